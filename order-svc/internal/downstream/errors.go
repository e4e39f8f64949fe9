// Package downstream holds order-svc's REST clients of inventory-svc and
// invoicing-svc (sync mode). They are adapters: the placing logic sees only
// the errors below, not HTTP.
package downstream

import (
	"net/http"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// unboundedIdleConns is the idle pool kept per host when HTTP_CLIENT_MAX_CONNS
// is 0 (Go's default of 2 would redial under any concurrency).
const unboundedIdleConns = 32

// NewHTTPClient returns an instrumented client with an explicit timeout: a
// sync call without one would hang the order as long as the slowest service.
// maxConns (HTTP_CLIENT_MAX_CONNS, 0: unbounded) caps the connections to each
// downstream, and keeps that many idle: the pool is part of the chain's
// capacity, like each service's in-flight bound, and a call beyond it waits
// for a connection within the timeout.
func NewHTTPClient(timeout time.Duration, maxConns int, tp trace.TracerProvider, prop propagation.TextMapPropagator) *http.Client {
	idle := maxConns
	if maxConns == 0 {
		idle = unboundedIdleConns
	}
	return &http.Client{
		Timeout: timeout,
		Transport: otelhttp.NewTransport(&http.Transport{
			MaxConnsPerHost:     maxConns,
			MaxIdleConnsPerHost: idle,
			IdleConnTimeout:     30 * time.Second,
		}, otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(prop)),
	}
}
