package balancer

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// replica is a test backend that names itself in every answer; its /slow
// answers once release is closed.
type replica struct {
	srv     *httptest.Server
	release chan struct{}
	ready   bool
	mu      sync.Mutex
}

func newReplica(t *testing.T, name string) *replica {
	rp := &replica{release: make(chan struct{}), ready: true}
	rp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/readyz":
			rp.mu.Lock()
			ok := rp.ready
			rp.mu.Unlock()
			if !ok {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		case "/slow":
			<-rp.release
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			io.WriteString(w, name+":"+string(b))
			return
		}
		io.WriteString(w, name)
	}))
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *replica) addr() string { return strings.TrimPrefix(rp.srv.URL, "http://") }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRotationSpreadsRequestsOverReplicas(t *testing.T) {
	a, b, c := newReplica(t, "a"), newReplica(t, "b"), newReplica(t, "c")
	lb := httptest.NewServer(New([]string{a.addr(), b.addr(), c.addr()}))
	defer lb.Close()
	seen := map[string]int{}
	for range 9 {
		_, who := get(t, lb.URL+"/x")
		seen[who]++
	}
	if seen["a"] != 3 || seen["b"] != 3 || seen["c"] != 3 {
		t.Errorf("9 requests over 3 idle replicas went %v, want 3 each", seen)
	}
}

func TestLeastInFlightAvoidsABusyReplica(t *testing.T) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	bal := New([]string{a.addr(), b.addr()})
	lb := httptest.NewServer(bal)
	defer lb.Close()
	done := make(chan string)
	go func() { _, who := get(t, lb.URL+"/slow"); done <- who }()
	waitInFlight(t, bal, 1)
	for range 4 {
		if _, who := get(t, lb.URL+"/x"); who != "b" {
			t.Fatalf("a request went to %s while a was busy and b idle", who)
		}
	}
	close(a.release)
	close(b.release)
	<-done
}

func TestHealthCheckTakesAnUnreadyReplicaOutOfRotation(t *testing.T) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	bal := New([]string{a.addr(), b.addr()})
	lb := httptest.NewServer(bal)
	defer lb.Close()
	a.mu.Lock()
	a.ready = false
	a.mu.Unlock()
	bal.CheckHealth(context.Background(), http.DefaultClient)
	for range 4 {
		if _, who := get(t, lb.URL+"/x"); who != "b" {
			t.Fatalf("a request went to %s, which is not ready", who)
		}
	}
	b.srv.Close()
	bal.CheckHealth(context.Background(), http.DefaultClient)
	if code, _ := get(t, lb.URL+"/x"); code != http.StatusServiceUnavailable {
		t.Errorf("no replica ready: status %d, want 503", code)
	}
}

// Draining: a replica taken out of rotation finishes the request it has in
// flight, gets no new one, and is forgotten after it.
func TestDrainingLetsTheRequestInFlightFinish(t *testing.T) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	bal := New([]string{a.addr(), b.addr()})
	lb := httptest.NewServer(bal)
	defer lb.Close()
	done := make(chan int)
	go func() { code, _ := get(t, lb.URL+"/slow"); done <- code }()
	waitInFlight(t, bal, 1)

	bal.Set([]string{b.addr()})
	if _, who := get(t, lb.URL+"/x"); who != "b" {
		t.Errorf("a new request went to %s, which drains", who)
	}
	if len(bal.Backends()) != 2 {
		t.Fatalf("a was forgotten with a request in flight: %+v", bal.Backends())
	}
	close(a.release)
	if code := <-done; code != http.StatusOK {
		t.Errorf("the request in flight on the draining replica: status %d, want 200", code)
	}
	if got := bal.Backends(); len(got) != 1 || got[0].Addr != b.addr() {
		t.Errorf("after its last request a is still there: %+v", got)
	}
}

// scaleIn stops replica a while it has a request in flight and more
// requests follow, and counts the failed ones. With drain the balancer
// takes a out of rotation and waits for its request before a stops;
// without, a stops at once, cutting its connections as a replica does
// whose shutdown does not wait for its requests (SIGKILL, or a grace
// shorter than they take).
func scaleIn(t *testing.T, drain bool) (failed, total int) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	close(b.release)
	bal := New([]string{a.addr(), b.addr()})
	lb := httptest.NewServer(bal)
	defer lb.Close()
	ctl := httptest.NewServer(bal.ControlHandler())
	defer ctl.Close()
	inFlight := make(chan int)
	go func() { code, _ := get(t, lb.URL+"/slow"); inFlight <- code }()
	waitInFlight(t, bal, 1)
	if drain {
		c := Client{Addr: strings.TrimPrefix(ctl.URL, "http://")}
		if err := c.Set(context.Background(), []string{b.addr()}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		drained := make(chan error)
		go func() { drained <- c.WaitDrained(ctx, []string{a.addr()}, 5*time.Millisecond) }()
		close(a.release) // the request in flight gets its answer
		if err := <-drained; err != nil {
			t.Fatal(err)
		}
	}
	a.srv.CloseClientConnections()
	a.srv.Listener.Close()
	if code := <-inFlight; code != http.StatusOK {
		failed++
	}
	total++
	for range 10 {
		if code, _ := get(t, lb.URL+"/x"); code != http.StatusOK {
			failed++
		}
		total++
	}
	if !drain {
		close(a.release)
	}
	return failed, total
}

func TestScaleInWithDrainingFailsNoRequest(t *testing.T) {
	if failed, total := scaleIn(t, true); failed != 0 {
		t.Errorf("with draining %d of %d requests failed, want 0", failed, total)
	}
}

// The check above can fail: without draining, the request in flight on
// the replica stopped is lost.
func TestScaleInWithoutDrainingFailsRequests(t *testing.T) {
	if failed, total := scaleIn(t, false); failed == 0 {
		t.Errorf("without draining 0 of %d requests failed; the draining test could not tell", total)
	}
}

func waitInFlight(t *testing.T, b *Balancer, n int) {
	t.Helper()
	for range 500 {
		sum := 0
		for _, be := range b.Backends() {
			sum += be.InFlight
		}
		if sum == n {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("never %d requests in flight: %+v", n, b.Backends())
}

// A replica that stops answering (SIGKILL) costs no request that was not
// in flight on it: the one that finds it gone goes to the next replica,
// and it leaves the rotation at once.
func TestAFailedReplicaLeavesTheRotationAtOnce(t *testing.T) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	lb := httptest.NewServer(New([]string{a.addr(), b.addr()}))
	defer lb.Close()
	a.srv.Close()
	failed := 0
	for range 10 {
		if code, _ := get(t, lb.URL+"/x"); code != http.StatusOK {
			failed++
		}
	}
	if failed != 0 {
		t.Errorf("%d of 10 requests failed after a replica stopped, want 0 (a refused connection goes to the next replica)", failed)
	}
}

// The retry sends the body again: a POST that found its replica gone
// arrives whole at the next.
func TestARefusedPostGoesWholeToTheNextReplica(t *testing.T) {
	a, b := newReplica(t, "a"), newReplica(t, "b")
	lb := httptest.NewServer(New([]string{a.addr(), b.addr()}))
	defer lb.Close()
	a.srv.Close()
	resp, err := http.Post(lb.URL+"/echo", "text/plain", strings.NewReader("order 42"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "b:order 42" {
		t.Errorf("POST after a's end: %d %q, want 200 \"b:order 42\"", resp.StatusCode, got)
	}
}
