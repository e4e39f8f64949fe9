package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/orderflow/platform/problem"
)

// event is one Server-Sent Event: a name the page listens for and its JSON.
type event struct {
	name string
	data []byte
}

// hub fans events out to every open /api/stream. A subscriber that falls
// more than its buffer behind is cut off rather than stalling the others or
// silently missing events: its stream ends, the browser's EventSource
// connects again (the "retry:" the stream starts with) and the snapshot it
// then gets puts it right.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
	// writeTimeout bounds each write to a stream, so a client that stopped
	// reading does not hold its handler forever.
	writeTimeout time.Duration
}

// subscriber is one open stream: its queue, and gone, closed when it fell
// behind and was cut off.
type subscriber struct {
	ch   chan event
	gone chan struct{}
}

func newHub() *hub {
	return &hub{subs: map[*subscriber]struct{}{}, writeTimeout: 10 * time.Second}
}

// subscriberBuffer is how many events a slow page may lag behind.
const subscriberBuffer = 1024

func (h *hub) subscribe() (*subscriber, func()) {
	sub := &subscriber{ch: make(chan event, subscriberBuffer), gone: make(chan struct{})}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	return sub, func() {
		h.mu.Lock()
		delete(h.subs, sub)
		h.mu.Unlock()
	}
}

// publish sends v as event name to every subscriber.
func (h *hub) publish(name string, v any) {
	ev, err := newEvent(name, v)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		select {
		case sub.ch <- ev:
		default: // too far behind: cut off (see hub)
			close(sub.gone)
			delete(h.subs, sub)
		}
	}
}

func newEvent(name string, v any) (event, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return event{}, fmt.Errorf("event %s: %w", name, err)
	}
	return event{name: name, data: b}, nil
}

// keepAlive is how often an idle stream gets a comment line, so proxies and
// the browser keep the connection open.
const keepAlive = 15 * time.Second

// stream serves text/event-stream: first the snapshot events, then every
// published event until the client goes away, falls behind, or does not
// take a write within writeTimeout.
func (h *hub) stream(w http.ResponseWriter, r *http.Request, snapshot func() []event) {
	fl, ok := w.(http.Flusher)
	if !ok {
		problem.Write(w, problem.New(http.StatusInternalServerError, "streaming-unsupported", "No streaming here",
			"this connection cannot stream events; reload the page"))
		return
	}
	rc := http.NewResponseController(w)
	sub, cancel := h.subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	// deadline bounds the writes up to the next flush; a writer that cannot
	// take one (not a net/http connection) is only not bounded.
	deadline := func() { _ = rc.SetWriteDeadline(time.Now().Add(h.writeTimeout)) }
	deadline()
	w.WriteHeader(http.StatusOK)
	write := func(ev event) bool {
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
		return err == nil
	}
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	for _, ev := range snapshot() {
		if !write(ev) {
			return
		}
	}
	fl.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sub.gone:
			return
		case ev := <-sub.ch:
			deadline()
			if !write(ev) {
				return
			}
			// Write what else is queued before flushing: one flush per burst.
			for n := len(sub.ch); n > 0; n-- {
				if !write(<-sub.ch) {
					return
				}
			}
			fl.Flush()
		case <-tick.C:
			deadline()
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
