package httpserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

type widget struct {
	Name string   `json:"name"`
	Qty  int      `json:"qty"`
	Tags []string `json:"tags"`
}

func newServer(t *testing.T, ready ...httpserver.Check) *echo.Echo {
	t.Helper()
	e := httpserver.New(httpserver.Options{
		Service:    "test-svc",
		Mode:       "sync",
		Logger:     slog.New(slog.DiscardHandler),
		Tracer:     sdktrace.NewTracerProvider(),
		Propagator: propagation.TraceContext{},
		Registry:   httpserver.NewRegistry(),
		Ready:      ready,
	})
	e.POST("/widgets", func(c echo.Context) error {
		var w widget
		if err := httpserver.DecodeJSON(c, &w); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, w)
	})
	e.GET("/boom", func(c echo.Context) error { return errors.New("database exploded") })
	return e
}

type problemBody struct {
	Type    string               `json:"type"`
	Title   string               `json:"title"`
	Status  int                  `json:"status"`
	Detail  string               `json:"detail"`
	Errors  []problem.FieldError `json:"errors"`
	TraceID string               `json:"trace_id"`
}

func serve(t *testing.T, e *echo.Echo, req *http.Request) (*httptest.ResponseRecorder, problemBody) {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var p problemBody
	if strings.HasPrefix(rec.Header().Get("Content-Type"), problem.ContentType) {
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("problem body %q: %v", rec.Body.String(), err)
		}
	}
	return rec, p
}

func post(body string, contentType string) *http.Request {
	req := newRequest(http.MethodPost, "/widgets", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// unsized hides the body's length, as a chunked upload does.
type unsized struct{ io.Reader }

func TestDecodeJSON(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", httpserver.MaxBodyBytes) + `"}`
	limit := strconv.Itoa(httpserver.MaxBodyBytes)
	tests := []struct {
		name        string
		req         func() *http.Request
		wantStatus  int
		wantType    string
		wantField   string
		wantInError string // in detail or the first field error's detail
	}{
		{name: "valid", req: func() *http.Request { return post(`{"name":"a","qty":2}`, "application/json") }, wantStatus: 201},
		{name: "valid with charset", req: func() *http.Request { return post(`{"name":"a"}`, "application/json; charset=utf-8") }, wantStatus: 201},
		{name: "valid +json type", req: func() *http.Request { return post(`{"name":"a"}`, "application/merge-patch+json") }, wantStatus: 201},
		// A body without a declared type is what a form or a no-cors fetch sends (the guard).
		{name: "no content type", req: func() *http.Request { return post(`{"name":"a"}`, "") }, wantStatus: 415, wantType: "unsupported-media-type"},
		{name: "unknown field", req: func() *http.Request { return post(`{"name":"a","colour":"red"}`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "colour", wantInError: `unknown field "colour"`},
		{name: "wrong type", req: func() *http.Request { return post(`{"name":"a","qty":"two"}`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "qty", wantInError: "must be a number, not string"},
		{name: "wrong type array", req: func() *http.Request { return post(`{"tags":"x"}`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "tags", wantInError: "must be an array"},
		{name: "not an object", req: func() *http.Request { return post(`[1,2]`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body"},
		{name: "empty body", req: func() *http.Request { return post(``, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body", wantInError: "empty"},
		{name: "syntax error", req: func() *http.Request { return post(`{"name":`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body", wantInError: "not valid JSON"},
		{name: "trailing data", req: func() *http.Request { return post(`{"name":"a"} {"name":"b"}`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body", wantInError: "exactly one JSON object"},
		{name: "trailing garbage", req: func() *http.Request { return post(`{"name":"a"}]`, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body"},
		{name: "too large with content-length", req: func() *http.Request { return post(big, "application/json") },
			wantStatus: 400, wantType: "validation", wantField: "body", wantInError: limit},
		{name: "too large chunked", req: func() *http.Request {
			r := newRequest(http.MethodPost, "/widgets", unsized{strings.NewReader(big)})
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = -1
			return r
		}, wantStatus: 400, wantType: "validation", wantField: "body", wantInError: limit},
		{name: "trailing data past the limit", req: func() *http.Request {
			r := newRequest(http.MethodPost, "/widgets", unsized{strings.NewReader(`{"name":"a"}` + strings.Repeat(" ", httpserver.MaxBodyBytes))})
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = -1
			return r
		}, wantStatus: 400, wantType: "validation", wantField: "body", wantInError: limit},
		{name: "wrong content type", req: func() *http.Request { return post(`{"name":"a"}`, "text/plain") },
			wantStatus: 415, wantType: "unsupported-media-type", wantInError: "text/plain"},
		{name: "form content type", req: func() *http.Request { return post(`name=a`, "application/x-www-form-urlencoded") },
			wantStatus: 415, wantType: "unsupported-media-type"},
		{name: "unparsable content type", req: func() *http.Request { return post(`{}`, "application/json; =") },
			wantStatus: 415, wantType: "unsupported-media-type"},
	}
	e := newServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, p := serve(t, e, tt.req())
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus < 400 {
				var w widget
				if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil || w.Name != "a" {
					t.Fatalf("echoed body %s (%v), want name a", rec.Body, err)
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Fatalf("Content-Type = %q, want %q", ct, problem.ContentType)
			}
			if p.Type != problem.TypeBase+tt.wantType || p.Status != tt.wantStatus || p.Title == "" {
				t.Fatalf("problem = %+v, want type %s status %d", p, problem.TypeBase+tt.wantType, tt.wantStatus)
			}
			if tt.wantField != "" {
				if len(p.Errors) != 1 || p.Errors[0].Field != tt.wantField {
					t.Fatalf("errors = %+v, want one naming %q", p.Errors, tt.wantField)
				}
			}
			if tt.wantInError != "" {
				text := p.Detail
				if len(p.Errors) > 0 {
					text += " | " + p.Errors[0].Detail
				}
				if !strings.Contains(text, tt.wantInError) {
					t.Fatalf("problem %q does not mention %q", text, tt.wantInError)
				}
			}
		})
	}
}

func TestErrorHandler(t *testing.T) {
	e := newServer(t)
	const incomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	tests := []struct {
		name        string
		method      string
		path        string
		traceparent string
		wantStatus  int
		wantType    string
	}{
		{name: "unknown route", method: http.MethodGet, path: "/nope", wantStatus: 404, wantType: "not-found"},
		{name: "wrong method", method: http.MethodDelete, path: "/widgets", wantStatus: 405, wantType: "method-not-allowed"},
		{name: "unknown route continues the caller's trace", method: http.MethodGet, path: "/nope",
			traceparent: "00-" + incomingTrace + "-00f067aa0ba902b7-01", wantStatus: 404, wantType: "not-found"},
		{name: "handler error", method: http.MethodGet, path: "/boom", wantStatus: 500, wantType: "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(tt.method, tt.path, nil)
			if tt.traceparent != "" {
				req.Header.Set("traceparent", tt.traceparent)
			}
			rec, p := serve(t, e, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
				t.Fatalf("Content-Type = %q, want %q", ct, problem.ContentType)
			}
			if p.Type != problem.TypeBase+tt.wantType || p.Status != tt.wantStatus || p.Title == "" || p.Detail == "" {
				t.Fatalf("problem = %+v", p)
			}
			if len(p.TraceID) != 32 || p.TraceID != rec.Header().Get(httpserver.HeaderTraceID) {
				t.Fatalf("trace_id = %q, %s header = %q; want the same 32-hex trace id in both", p.TraceID, httpserver.HeaderTraceID, rec.Header().Get(httpserver.HeaderTraceID))
			}
			if tt.traceparent != "" && p.TraceID != incomingTrace {
				t.Fatalf("trace_id = %s, want the caller's %s", p.TraceID, incomingTrace)
			}
			if strings.Contains(rec.Body.String(), "exploded") {
				t.Fatalf("the internal error leaked to the client: %s", rec.Body)
			}
		})
	}
	t.Run("HEAD gets the status without a body", func(t *testing.T) {
		rec, _ := serve(t, e, newRequest(http.MethodHead, "/nope", nil))
		if rec.Code != 404 || rec.Body.Len() != 0 {
			t.Fatalf("HEAD /nope = %d with %d body bytes, want 404 and none", rec.Code, rec.Body.Len())
		}
	})
}

func TestErrorHandlerWithoutSpanHasNoTraceID(t *testing.T) {
	// Without a propagator/provider the noop tracer makes no valid span.
	e := httpserver.New(httpserver.Options{Service: "t", Logger: slog.New(slog.DiscardHandler), Tracer: noop.NewTracerProvider(), Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry()})
	rec, p := serve(t, e, newRequest(http.MethodGet, "/nope", nil))
	if rec.Code != 404 || p.TraceID != "" || rec.Header().Get(httpserver.HeaderTraceID) != "" {
		t.Fatalf("status %d trace_id %q header %q, want 404 and no trace id", rec.Code, p.TraceID, rec.Header().Get(httpserver.HeaderTraceID))
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	failing := errors.New("broker 127.0.0.1:9092 unreachable")
	e := newServer(t,
		httpserver.Check{Name: "db", Check: func(context.Context) error { return nil }},
		httpserver.Check{Name: "kafka", Check: func(context.Context) error { return failing }},
	)

	rec, _ := serve(t, e, newRequest(http.MethodGet, "/healthz", nil))
	var health map[string]string
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &health) != nil || health["status"] != "ok" || health["service"] != "test-svc" || health["mode"] != "sync" {
		t.Fatalf("/healthz = %d %s", rec.Code, rec.Body)
	}

	rec, _ = serve(t, e, newRequest(http.MethodGet, "/readyz", nil))
	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ready); err != nil {
		t.Fatalf("/readyz body %s: %v", rec.Body, err)
	}
	if rec.Code != http.StatusServiceUnavailable || ready.Status != "not ready" || ready.Checks["db"] != "ok" || ready.Checks["kafka"] != failing.Error() {
		t.Fatalf("/readyz = %d %+v, want 503 not ready with db ok and the kafka error", rec.Code, ready)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("/readyz Content-Type = %q", ct)
	}

	okOnly := newServer(t, httpserver.Check{Name: "db", Check: func(context.Context) error { return nil }})
	rec, _ = serve(t, okOnly, newRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"ready"`) {
		t.Fatalf("/readyz with passing checks = %d %s", rec.Code, rec.Body)
	}

	// One request through the middleware, then /metrics shows it by route.
	serve(t, e, post(`{"name":"a"}`, "application/json"))
	rec, _ = serve(t, e, newRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), `http_server_request_duration_seconds_count{method="POST",route="/widgets",status="201"} 1`) {
		t.Fatalf("/metrics lacks the request histogram:\n%s", rec.Body)
	}
}
