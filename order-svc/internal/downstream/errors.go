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

// NewHTTPClient returns an instrumented client with an explicit timeout: a
// sync call without one would hang the order as long as the slowest service.
func NewHTTPClient(timeout time.Duration, tp trace.TracerProvider, prop propagation.TextMapPropagator) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: otelhttp.NewTransport(&http.Transport{
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     30 * time.Second,
		}, otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(prop)),
	}
}
