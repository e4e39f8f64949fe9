package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// event is one Server-Sent Event: a name the page listens for and its JSON.
type event struct {
	name string
	data []byte
}

// hub fans events out to every open /api/stream. A subscriber that falls
// more than its buffer behind loses events rather than stalling the others;
// the snapshot it gets on connecting again puts it right.
type hub struct {
	mu   sync.Mutex
	subs map[chan event]struct{}
}

func newHub() *hub { return &hub{subs: map[chan event]struct{}{}} }

// subscriberBuffer is how many events a slow page may lag behind.
const subscriberBuffer = 1024

func (h *hub) subscribe() (<-chan event, func()) {
	ch := make(chan event, subscriberBuffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
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
	for ch := range h.subs {
		select {
		case ch <- ev:
		default: // too far behind: dropped (see hub)
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
// published event until the client goes away.
func (h *hub) stream(w http.ResponseWriter, r *http.Request, snapshot func() []event) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	ch, cancel := h.subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(ev event) bool {
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.name, ev.data)
		return err == nil
	}
	fmt.Fprint(w, "retry: 1000\n\n")
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
		case ev := <-ch:
			if !write(ev) {
				return
			}
			// Write what else is queued before flushing: one flush per burst.
			for n := len(ch); n > 0; n-- {
				if !write(<-ch) {
					return
				}
			}
			fl.Flush()
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
