package httpserver_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

func newGuarded(t *testing.T, allowed ...string) *echo.Echo {
	t.Helper()
	e := httpserver.New(httpserver.Options{
		Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{},
		Registry: httpserver.NewRegistry(), Access: httpserver.Access{AllowedHosts: allowed},
	})
	created := func(c echo.Context) error { return c.NoContent(http.StatusCreated) }
	e.POST("/orders", created)
	e.GET("/orders", created)
	e.DELETE("/orders/o-1", created)
	e.PUT("/admin/faults", created)
	return e
}

func TestHostAllowList(t *testing.T) {
	allowed := []string{
		"127.0.0.1:8181", "localhost:8081", "LOCALHOST", "[::1]:8082", "app.localhost:9", "10.1.2.3:8080", "[fd00::5]:80",
		"order-svc", "order-svc:8080", "inventory-svc-sync:8080", "invoicing-svc-events:8080", "order-svc-cluster:8080",
		"order-svc.shop", "order-svc.shop.svc:8080", "invoicing-svc.shop.svc.cluster.local", "order-svc.shop.svc.cluster.local.",
		"orders.example.com:443",
	}
	refused := []string{
		"", "evil.example", "evil.example:8181", "127.0.0.1.evil.example", "order-svc.evil.example.com",
		"order-svc.shop.svc.cluster.evil", "payment-svc", "order-svc-staging", "example.com",
	}
	e := newGuarded(t, "orders.example.com")
	for _, host := range allowed {
		req := newRequest(http.MethodGet, "/orders", nil)
		req.Host = host
		if rec, _ := serve(t, e, req); rec.Code != http.StatusCreated {
			t.Errorf("Host %q = %d, want it answered", host, rec.Code)
		}
	}
	for _, host := range refused {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			req := newRequest(m, "/orders", nil)
			req.Host = host
			rec, p := serve(t, e, req)
			if rec.Code != http.StatusMisdirectedRequest || p.Type != problem.TypeBase+"foreign-host" || !strings.Contains(p.Detail, "HTTP_ALLOWED_HOSTS") {
				t.Errorf("%s with Host %q = %d %+v, want 421 foreign-host naming HTTP_ALLOWED_HOSTS", m, host, rec.Code, p)
			}
		}
	}
}

func TestAnyHostAndProbes(t *testing.T) {
	req := newRequest(http.MethodGet, "/orders", nil)
	req.Host = "evil.example"
	if rec, _ := serve(t, newGuarded(t, httpserver.AnyHost), req); rec.Code != http.StatusCreated {
		t.Errorf("HTTP_ALLOWED_HOSTS=* refused Host evil.example: %d", rec.Code)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		req := newRequest(http.MethodGet, path, nil)
		req.Host = "10-1-2-3.pod.example"
		if rec, _ := serve(t, newGuarded(t), req); rec.Code != http.StatusOK {
			t.Errorf("%s by another name = %d, want 200 (probes and scrapers use any name)", path, rec.Code)
		}
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	e := newGuarded(t)
	tests := []struct {
		name, method, path, origin, contentType, body string
		want                                          int
	}{
		{"same origin", "POST", "/orders", "http://127.0.0.1", "application/json", "{}", 201},
		{"no origin (a program)", "POST", "/orders", "", "application/json", "{}", 201},
		{"foreign origin", "POST", "/orders", "http://evil.example", "application/json", "{}", 403},
		{"other port on loopback", "POST", "/orders", "http://127.0.0.1:8090", "application/json", "{}", 403},
		{"opaque origin", "POST", "/orders", "null", "application/json", "{}", 403},
		{"foreign origin delete", "DELETE", "/orders/o-1", "http://evil.example", "", "", 403},
		{"foreign origin read", "GET", "/orders", "http://evil.example", "", "", 201},
		{"no content type", "POST", "/orders", "", "", "{}", 415},
		{"no-cors blob", "POST", "/orders", "", "text/plain;charset=UTF-8", "{}", 415},
		{"form post", "POST", "/orders", "", "application/x-www-form-urlencoded", "a=1", 415},
		{"admin body not json", "PUT", "/admin/faults", "", "text/plain", "{}", 415},
		{"admin json", "PUT", "/admin/faults", "", "application/json", "{}", 201},
		{"write without body", "DELETE", "/orders/o-1", "", "", "", 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.body == "" {
				req = newRequest(tt.method, tt.path, nil)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec, p := serve(t, e, req)
			if rec.Code != tt.want {
				t.Fatalf("= %d %+v, want %d", rec.Code, p, tt.want)
			}
			if tt.want >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), problem.ContentType) {
				t.Fatalf("refusal is %q, want problem+json", rec.Header().Get("Content-Type"))
			}
		})
	}
}
