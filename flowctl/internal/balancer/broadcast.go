package balancer

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// A write to /admin/ (a fault, a knob, paused consumers) is the service's,
// not one replica's: "inventory-svc is down" must hold for each replica, or
// the load balancer would route round it and a paused consumer group would
// go on consuming on the others. So the balancer sends such a write to
// every replica in rotation and answers with the first replica's answer
// when all agree; reads go to one replica like any request.
func broadcast(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/admin/") && r.Method != http.MethodGet && r.Method != http.MethodHead
}

// inRotation are the backends a broadcast goes to: every one not draining,
// healthy or not (a replica out of rotation for a failed check is still the
// service's, and saying it could not be reached beats skipping it).
func (b *Balancer) inRotation() []*backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*backend
	for _, be := range b.backends {
		if !be.Draining {
			be.InFlight++
			out = append(out, be)
		}
	}
	return out
}

// serveBroadcast sends r (its body read into body) to every replica in
// rotation, one after the other.
func (b *Balancer) serveBroadcast(w http.ResponseWriter, r *http.Request, body []byte) {
	bes := b.inRotation()
	if len(bes) == 0 {
		writeProblem(w, http.StatusServiceUnavailable, "no replica of this service is ready")
		return
	}
	var first *httpAnswer
	var failed []string
	for _, be := range bes {
		rec := &httpAnswer{header: http.Header{}}
		try := r.Clone(r.Context())
		try.Body, try.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		be.proxy.ServeHTTP(rec, try)
		b.done(be)
		if rec.status >= 300 {
			failed = append(failed, fmt.Sprintf("%s answered %d: %s", be.Addr, rec.status, strings.TrimSpace(rec.body.String())))
		}
		if first == nil {
			first = rec
		}
	}
	if len(failed) > 0 {
		writeProblem(w, http.StatusBadGateway, fmt.Sprintf("%s %s reached %d of %d replicas: %s; send it again once they answer",
			r.Method, r.URL.Path, len(bes)-len(failed), len(bes), strings.Join(failed, "; ")))
		return
	}
	first.writeTo(w)
}

// httpAnswer keeps one replica's answer.
type httpAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *httpAnswer) Header() http.Header { return a.header }
func (a *httpAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}
func (a *httpAnswer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(p)
}

func (a *httpAnswer) writeTo(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes())
}
