package httpserver_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/telemetry"
)

// A client's traceparent with the sampled flag off records no span, in every
// propagation mode (off carries nothing between services, yet the client's
// "do not record" holds); a sampled one is joined only where propagation is
// on, and no header at all starts a recorded trace of the service's own.
func TestUnsampledTraceparentRecordsNothing(t *testing.T) {
	const (
		unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
		sampled   = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	)
	for _, tc := range []struct {
		name        string
		propagate   bool
		traceparent string
		wantSpans   int
		wantJoined  bool
	}{
		{"unsampled, propagation on", true, unsampled, 0, false},
		{"unsampled, propagation off", false, unsampled, 0, false},
		{"sampled, propagation on", true, sampled, 1, true},
		{"sampled, propagation off", false, sampled, 1, false},
		{"no traceparent", true, "", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exp := tracetest.NewInMemoryExporter()
			tr, err := telemetry.Setup(context.Background(), telemetry.Options{ServiceName: "test-svc", Mode: "events", Propagate: tc.propagate, Exporter: exp})
			if err != nil {
				t.Fatal(err)
			}
			e := httpserver.New(httpserver.Options{Service: "test-svc", Mode: "events", Logger: slog.New(slog.DiscardHandler),
				Tracer: tr.Provider, Propagator: tr.Propagator, Registry: httpserver.NewRegistry()})
			e.GET("/orders/:id", func(c echo.Context) error {
				httpserver.TagOrder(c.Request().Context(), c.Param("id"))
				return c.NoContent(http.StatusOK)
			})
			req := httptest.NewRequest(http.MethodGet, "/orders/o-42", nil)
			if tc.traceparent != "" {
				req.Header.Set("traceparent", tc.traceparent)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			spans := exp.GetSpans()
			if len(spans) != tc.wantSpans {
				t.Fatalf("%d spans recorded, want %d", len(spans), tc.wantSpans)
			}
			header := rec.Header().Get(httpserver.HeaderTraceID)
			if tc.wantSpans == 0 {
				if header != "" {
					t.Errorf("X-Trace-Id %q handed out for a trace that is not recorded", header)
				}
				return
			}
			joined := spans[0].SpanContext.TraceID().String() == "0af7651916cd43dd8448eb211c80319c"
			if joined != tc.wantJoined || header != spans[0].SpanContext.TraceID().String() {
				t.Errorf("joined the client's trace: %v, want %v; X-Trace-Id %q", joined, tc.wantJoined, header)
			}
		})
	}
}
