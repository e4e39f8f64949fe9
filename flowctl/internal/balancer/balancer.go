// Package balancer is the load balancer natively scaled services sit
// behind: a reverse proxy on the service's usual port that sends each
// request to the healthy replica with the fewest requests in flight
// (round-robin among equals), checks the replicas' /readyz, and drains a
// replica taken out of rotation: it gets no new request, and is forgotten
// once its last request in flight has its answer. Like HAProxy and a
// Kubernetes Service it sends a write to /admin/ to one replica: flowctl
// writes a fault to each replica at its own port (stack.ReplicaEndpoints).
package balancer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Backend is one replica as the balancer sees it.
type Backend struct {
	Addr     string `json:"addr"`
	Healthy  bool   `json:"healthy"`
	Draining bool   `json:"draining,omitempty"`
	InFlight int    `json:"in_flight"`
	Served   int64  `json:"served"`
}

type backend struct {
	Backend
	proxy     *httputil.ReverseProxy
	transport *http.Transport
}

// Balancer is an http.Handler over a changing set of backends.
type Balancer struct {
	mu       sync.Mutex
	backends []*backend
	next     int // where the round-robin among equals starts
	counts   counters
}

// New is a balancer over addrs (host:port), all taken as healthy: the
// caller adds a replica once it answers /readyz.
func New(addrs []string) *Balancer {
	b := &Balancer{}
	b.Set(addrs)
	return b
}

// Set makes addrs the rotation: new ones join it healthy, ones no longer
// named drain (no new request; forgotten after their last one).
func (b *Balancer) Set(addrs []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, be := range b.backends {
		be.Draining = !slices.Contains(addrs, be.Addr)
	}
	for _, a := range addrs {
		if !slices.ContainsFunc(b.backends, func(be *backend) bool { return be.Addr == a }) {
			b.backends = append(b.backends, b.newBackend(a))
		}
	}
	b.forgetDrainedLocked()
}

func (b *Balancer) newBackend(addr string) *backend {
	// A transport per backend, so a drained one's idle connections close
	// with it and no later request reuses a connection its replica closed.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	p := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr})
	p.Transport = tr
	be := &backend{Backend: Backend{Addr: addr, Healthy: true}, proxy: p, transport: tr}
	p.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		// Out of rotation at once (a replica killed): the next health check
		// puts it back when it answers again. A caller that gave up is no
		// word on the replica.
		if r.Context().Err() == nil {
			b.markHealth(addr, false)
		}
		if refusedOnDial(err) {
			b.counts.refused.Add(1)
		}
		if retryOnRefusal(r, err) {
			return
		}
		b.counts.failed.Add(1)
		writeProblem(w, http.StatusBadGateway, fmt.Sprintf("replica %s did not answer: %v", addr, err))
	}
	return be
}

// forgetDrainedLocked drops draining backends with nothing in flight.
func (b *Balancer) forgetDrainedLocked() {
	b.backends = slices.DeleteFunc(b.backends, func(be *backend) bool {
		if be.Draining && be.InFlight == 0 {
			be.transport.CloseIdleConnections()
			return true
		}
		return false
	})
}

// Backends are the backends now, draining ones included.
func (b *Balancer) Backends() []Backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Backend, len(b.backends))
	for i, be := range b.backends {
		out[i] = be.Backend
	}
	return out
}

// pick takes the healthy, non-draining backend with the fewest requests in
// flight, counting the request it is picked for.
func (b *Balancer) pick() *backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	var best *backend
	n := len(b.backends)
	for k := range n {
		be := b.backends[(b.next+k)%n]
		if be.Healthy && !be.Draining && (best == nil || be.InFlight < best.InFlight) {
			best = be
		}
	}
	if best != nil {
		b.next = (b.next + 1) % n
		best.InFlight++
		best.Served++
	}
	return best
}

func (b *Balancer) done(be *backend) {
	b.mu.Lock()
	defer b.mu.Unlock()
	be.InFlight--
	b.forgetDrainedLocked()
}

// ServeHTTP sends r to a replica, and to another when one refuses the
// connection; with none healthy it answers 503.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, retry, err := readBody(r)
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "read the request body: "+err.Error())
		return
	}
	for tries := 1; ; tries++ {
		be := b.pick()
		if be == nil {
			b.counts.failed.Add(1)
			writeProblem(w, http.StatusServiceUnavailable, "no replica of this service is ready")
			return
		}
		try, a := r, &attempt{}
		if retry && tries < maxTries { // the last try answers whatever comes
			try, a = withAttempt(r, body)
		}
		be.proxy.ServeHTTP(w, try)
		b.done(be)
		if !a.refused {
			return
		}
		b.counts.retried.Add(1)
	}
}

// markHealth records a health check's outcome.
func (b *Balancer) markHealth(addr string, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, be := range b.backends {
		if be.Addr == addr {
			be.Healthy = ok
		}
	}
}

// writeProblem answers an RFC 9457 problem.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail,
	})
}

// maxTries bounds the tries of one request. Each refusal takes a replica
// out of rotation, so the tries end anyway; the bound is for replicas that
// a health check puts back between two tries.
const maxTries = 20

// HealthTimeout bounds one /readyz check.
const HealthTimeout = time.Second
