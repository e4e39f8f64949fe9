package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/httpserver"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/store"
)

const order = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"

func newAPI(t *testing.T) *echo.Echo {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "fraud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := httpserver.New(httpserver.Options{
		Service: "fraud-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry(),
	})
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	if err := (&API{Store: st, Now: func() time.Time { return at }, Rule: check.Rule{LimitUnits: 5}}).Register(e); err != nil {
		t.Fatal(err)
	}
	return e
}

func call(t *testing.T, e *echo.Echo, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func checkBody(customer string, qty int) string {
	return `{"order_id":"` + order + `","customer_id":"` + customer + `","reservation_id":"6c4f2b3d-8e5a-4b7c-8d9e-1f2a3b4c5d6e","items":[{"sku":"SKU-001","qty":` + itoa(qty) + `}]}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestCheckOrder: 201 with a new verdict, 200 with the first on a repeat
// (even with other lines), GET returns it; unknown order 404; bad body 400.
func TestCheckOrder(t *testing.T) {
	e := newAPI(t)
	if code, _ := call(t, e, http.MethodGet, "/checks/"+order, ""); code != http.StatusNotFound {
		t.Errorf("GET before a check: %d, want 404", code)
	}
	code, body := call(t, e, http.MethodPost, "/checks", checkBody("cust-1", 6))
	if code != http.StatusCreated || body["verdict"] != "suspected" || body["units"] != 6.0 || body["reason"] == nil {
		t.Fatalf("POST /checks: %d %v, want 201 suspected, 6 units, a reason", code, body)
	}
	if code, body := call(t, e, http.MethodPost, "/checks", checkBody("cust-1", 1)); code != http.StatusOK || body["verdict"] != "suspected" {
		t.Errorf("repeat: %d %v, want 200 with the first verdict", code, body)
	}
	if code, body := call(t, e, http.MethodGet, "/checks/"+order, ""); code != http.StatusOK || body["verdict"] != "suspected" {
		t.Errorf("GET: %d %v", code, body)
	}
	if code, _ := call(t, e, http.MethodPost, "/checks", `{"order_id":"x"}`); code != http.StatusBadRequest {
		t.Errorf("bad body: %d, want 400", code)
	}
}
