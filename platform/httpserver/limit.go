package httpserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderflow/platform/problem"
)

// Limit bounds the API requests a service serves at once, as Jaeger HotROD's
// -W worker pool does. Without a bound a slow dependency turns into unbounded
// parallelism (goroutines, connections, SQLite lock waits), and sync mode
// would be compared with an events consumer at infinite concurrency.
//
// A request over the bound waits up to QueueWait for a slot, then is refused
// with 503 and Retry-After. A short wait rather than an instant refusal:
// open-loop arrivals bunch up, and refusing a request that a slot freeing 5 ms
// later could have served would count jitter as overload. A short wait rather
// than a long one: the caller's own timeout must not run out in our queue, or
// it hears a timeout (and cannot tell whether the work was done) instead of a
// clean 503 that says nothing was done.
type Limit struct {
	// MaxInFlight is the most requests served at once; 0 means unbounded.
	MaxInFlight int
	// QueueWait is how long a request over the bound waits for a slot; 0
	// refuses at once.
	QueueWait time.Duration
}

// RetryAfterSeconds is the Retry-After of a refused request: a slot frees as
// soon as one request finishes, so the next second is worth a try.
const RetryAfterSeconds = "1"

// ProblemOverloaded is the problem kind of a request refused by the Limit.
const ProblemOverloaded = "overloaded"

// Exempt reports whether a route escapes the Limit (and fault injection):
// probes, metrics and the admin endpoints must answer while the API is full,
// or an overloaded service would look dead and could not be inspected.
func Exempt(route string) bool {
	return route == "/healthz" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/admin/")
}

// Overloaded is the 503 problem of a request refused by l.
func Overloaded(l Limit) *problem.Problem {
	return problem.New(http.StatusServiceUnavailable, ProblemOverloaded, "Too many requests in flight",
		fmt.Sprintf("this service serves at most %d requests at once (HTTP_MAX_IN_FLIGHT) and no slot freed within %s (HTTP_QUEUE_WAIT); nothing was done, retry later",
			l.MaxInFlight, l.QueueWait))
}

// limitMetrics are the Limit's series on /metrics.
type limitMetrics struct {
	inFlight, queued prometheus.Gauge
	rejected         prometheus.Counter
}

func newLimitMetrics(reg *prometheus.Registry, l Limit) limitMetrics {
	m := limitMetrics{
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_server_in_flight_requests",
			Help: "API requests being served now (health, readiness, metrics and admin excluded)."}),
		queued: prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_server_queued_requests",
			Help: "API requests waiting for a slot (HTTP_MAX_IN_FLIGHT reached)."}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{Name: "http_server_rejected_requests_total",
			Help: "API requests refused with 503 because no slot freed within HTTP_QUEUE_WAIT."}),
	}
	limit := prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_server_max_in_flight",
		Help: "HTTP_MAX_IN_FLIGHT in force (0: unbounded)."})
	limit.Set(float64(l.MaxInFlight))
	reg.MustRegister(m.inFlight, m.queued, m.rejected, limit)
	return m
}

// limitMiddleware admits at most l.MaxInFlight API requests at once.
func limitMiddleware(l Limit, reg *prometheus.Registry) echo.MiddlewareFunc {
	m := newLimitMetrics(reg, l)
	var slots chan struct{}
	if l.MaxInFlight > 0 {
		slots = make(chan struct{}, l.MaxInFlight)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if Exempt(c.Path()) {
				return next(c)
			}
			if slots != nil {
				if !m.acquire(c.Request().Context(), slots, l.QueueWait) {
					m.rejected.Inc()
					c.Response().Header().Set("Retry-After", RetryAfterSeconds)
					return Overloaded(l)
				}
				// Deferred, so a handler that panics (Recover sits outside)
				// or fails still gives its slot back.
				defer func() { <-slots }()
			}
			m.inFlight.Inc()
			defer m.inFlight.Dec()
			return next(c)
		}
	}
}

// acquire takes a slot, waiting up to wait; a client that hangs up while
// queued gives up its place.
func (m limitMetrics) acquire(ctx context.Context, slots chan struct{}, wait time.Duration) bool {
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	if wait <= 0 {
		return false
	}
	m.queued.Inc()
	defer m.queued.Dec()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}
