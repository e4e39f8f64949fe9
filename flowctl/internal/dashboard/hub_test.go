package dashboard

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A subscriber that fell a buffer behind is cut off, not left to miss
// events in silence; one that keeps up is not.
func TestHubCutsOffASubscriberThatFellBehind(t *testing.T) {
	h := newHub()
	slow, cancelSlow := h.subscribe()
	defer cancelSlow()
	quick, cancelQuick := h.subscribe()
	defer cancelQuick()
	for i := 0; i < subscriberBuffer; i++ {
		h.publish("order", i)
		<-quick.ch
	}
	select {
	case <-slow.gone:
		t.Fatal("cut off with its buffer only full")
	default:
	}
	h.publish("order", "one too many")
	select {
	case <-slow.gone:
	default:
		t.Fatal("a subscriber a buffer behind is still subscribed, missing events")
	}
	select {
	case <-quick.gone:
		t.Fatal("the subscriber that kept up was cut off")
	default:
	}
	h.mu.Lock()
	_, still := h.subs[slow]
	n := len(h.subs)
	h.mu.Unlock()
	if still || n != 1 {
		t.Errorf("after the cut: slow subscribed %v, %d subscribers", still, n)
	}
	h.publish("order", "after") // must not close gone twice
}

// gatedWriter takes no write until open is closed, as a page whose
// connection is stuck.
type gatedWriter struct {
	header http.Header
	open   chan struct{}
	mu     sync.Mutex
	n      int
}

func (g *gatedWriter) Header() http.Header { return g.header }
func (g *gatedWriter) WriteHeader(int)     {}
func (g *gatedWriter) Flush()              {}
func (g *gatedWriter) Write(b []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	g.n += len(b)
	g.mu.Unlock()
	return len(b), nil
}

// The stream of a cut-off subscriber ends, so the browser connects again
// and gets the snapshot.
func TestStreamEndsWhenCutOff(t *testing.T) {
	h := newHub()
	w := &gatedWriter{header: http.Header{}, open: make(chan struct{})}
	r := httptest.NewRequest(http.MethodGet, "/api/stream", nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.stream(w, r, func() []event { return nil })
	}()
	waitFor(t, func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.subs) == 1 })
	for i := 0; i <= subscriberBuffer; i++ {
		h.publish("order", i)
	}
	close(w.open)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream of a subscriber that fell behind goes on, with events missing")
	}
}

// A client that stops reading does not hold its stream forever: each
// write has a deadline.
func TestStreamEndsWhenClientStopsReading(t *testing.T) {
	h := newHub()
	h.writeTimeout = 200 * time.Millisecond
	done := make(chan struct{}, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.stream(w, r, func() []event { return nil })
		done <- struct{}{}
	}))
	defer hs.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") // and never read
	waitFor(t, func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.subs) == 1 })
	big := strings.Repeat("x", 1<<20)
	for i := 0; i < 64; i++ { // 64 MiB: more than any socket buffers take
		h.publish("order", big)
		select {
		case <-done:
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream to a client that stopped reading is still blocked in a write")
	}
}

// A writer that cannot stream gets a problem, not text/plain.
func TestStreamWithoutFlusherAnswersProblem(t *testing.T) {
	rec := httptest.NewRecorder()
	newHub().stream(struct{ http.ResponseWriter }{rec}, httptest.NewRequest(http.MethodGet, "/api/stream", nil), func() []event { return nil })
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("no Flusher = %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}
