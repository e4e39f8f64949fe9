package httpserver_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/httpserver"
)

// The server spans otelecho v0.71.0 makes (docs/architecture.md says why we
// keep it): named by the route template, kind SERVER, with the route, method
// and status attributes a waterfall and flowctl's investigation read. A
// replacement middleware must pass this unchanged.
func TestServerSpanNameAndAttributes(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	e := httpserver.New(httpserver.Options{
		Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)), Propagator: propagation.TraceContext{},
		Registry: httpserver.NewRegistry(),
	})
	e.GET("/orders/:id", func(c echo.Context) error { return c.NoContent(http.StatusNotFound) })
	e.ServeHTTP(httptest.NewRecorder(), newRequest(http.MethodGet, "/orders/o-42", nil))

	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want the one server span", len(spans))
	}
	s := spans[0]
	if s.Name() != "GET /orders/:id" || s.SpanKind() != trace.SpanKindServer {
		t.Errorf("span %q kind %v, want \"GET /orders/:id\" SERVER", s.Name(), s.SpanKind())
	}
	want := map[attribute.Key]string{"http.route": "/orders/:id", "http.request.method": "GET", "http.response.status_code": "404"}
	got := map[attribute.Key]string{}
	for _, kv := range s.Attributes() {
		got[kv.Key] = kv.Value.Emit()
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// TagOrder puts the order id on the server span, where flowctl's search by
// order id finds it; without an id the span carries no empty attribute.
func TestTagOrder(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		want     bool
	}{
		{"with an order id", "o-42", true},
		{"without one", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			e := httpserver.New(httpserver.Options{
				Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
				Tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)), Propagator: propagation.TraceContext{},
				Registry: httpserver.NewRegistry(),
			})
			e.POST("/orders", func(c echo.Context) error {
				httpserver.TagOrder(c.Request().Context(), tc.id)
				return c.NoContent(http.StatusCreated)
			})
			e.ServeHTTP(httptest.NewRecorder(), newRequest(http.MethodPost, "/orders", nil))
			spans := rec.Ended()
			if len(spans) != 1 {
				t.Fatalf("%d spans, want the one server span", len(spans))
			}
			var got string
			var has bool
			for _, kv := range spans[0].Attributes() {
				if kv.Key == httpserver.AttrOrderID {
					got, has = kv.Value.Emit(), true
				}
			}
			if has != tc.want || (tc.want && got != tc.id) {
				t.Fatalf("%s = %q (present %v), want %q (present %v)", httpserver.AttrOrderID, got, has, tc.id, tc.want)
			}
		})
	}
}
