package httpserver

import (
	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// obeyUnsampled honours a client's W3C traceparent whose sampled flag is off,
// whatever TRACE_PROPAGATION says: that setting decides whether the services
// join their traces, not whether a client may ask not to be recorded. flowctl's
// reads of an order (the dashboard's tracker, order watch, scenario
// followers) ask so: they are not steps of the order, and hundreds of them
// drowned a PENDING order's trace. The tracer's sampler is ParentBased
// (platform/telemetry), so the server span of such a request records nothing.
func obeyUnsampled(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Header.Get("traceparent") == "" {
			return next(c)
		}
		sc := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(req.Context(), propagation.HeaderCarrier(req.Header)))
		if sc.IsValid() && !sc.IsSampled() {
			c.SetRequest(req.WithContext(trace.ContextWithRemoteSpanContext(req.Context(), sc)))
		}
		return next(c)
	}
}

// sampledTraceID is the id of the request's trace when it is recorded: a
// trace id nobody will find in Jaeger is not handed out.
func sampledTraceID(c echo.Context) (string, bool) {
	sc := trace.SpanContextFromContext(c.Request().Context())
	if !sc.IsValid() || !sc.IsSampled() {
		return "", false
	}
	return sc.TraceID().String(), true
}
