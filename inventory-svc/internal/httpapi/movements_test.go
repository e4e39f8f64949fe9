package httpapi

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

// fakeOutbox records the envelopes added and, at each Notify, how many
// movements of the SKU were committed (Notify must come after the commit).
type fakeOutbox struct {
	st       *store.Store
	fail     error
	added    []events.Envelope
	notified []int
}

func (f *fakeOutbox) Add(_ context.Context, _ *sql.Tx, env events.Envelope) error {
	if f.fail != nil {
		return f.fail
	}
	f.added = append(f.added, env)
	return nil
}

func (f *fakeOutbox) Notify() {
	ms, _ := f.st.Movements(context.Background(), f.added[len(f.added)-1].SKU)
	f.notified = append(f.notified, len(ms))
}

// newAPI serves the API on the platform's echo (problem errors, body limit)
// with a fresh store; with events set, movements go to a fakeOutbox.
func newAPI(t *testing.T, withOutbox bool) (*echo.Echo, *store.Store, *fakeOutbox) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "inventory.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := httpserver.New(httpserver.Options{
		Service: "inventory-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry(),
	})
	a := &API{Store: st, Now: func() time.Time { return t0 }}
	var ob *fakeOutbox
	if withOutbox {
		ob = &fakeOutbox{st: st}
		a.Outbox = ob
	}
	a.Register(e)
	return e, st, ob
}

type reply struct {
	code int
	ct   string
	body map[string]any
}

func call(t *testing.T, e *echo.Echo, method, path, body string) reply {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1" // httptest's example.com is a foreign name to the services
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	r := reply{code: rec.Code, ct: rec.Header().Get("Content-Type")}
	if err := json.Unmarshal(rec.Body.Bytes(), &r.body); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", method, path, rec.Body, err)
	}
	return r
}

func (r reply) fields() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

func (r reply) stock() map[string]any { m, _ := r.body["stock"].(map[string]any); return m }

func TestMovementsRejectBadInput(t *testing.T) {
	e, st, ob := newAPI(t, true)
	long := strings.Repeat("x", events.MaxReferenceLen+1)
	tests := []struct {
		name   string
		path   string
		body   string
		ctype  string // default application/json
		code   int
		kind   string   // problem type suffix
		fields []string // validation fields, in order
	}{
		{"receipt: unknown SKU", "/stock/SKU-999/receipts", `{"quantity":1}`, "", 404, "not-found", nil},
		{"receipt: malformed SKU", "/stock/sku_1/receipts", `{"quantity":1}`, "", 400, "validation", []string{"sku"}},
		{"receipt: not JSON", "/stock/SKU-001/receipts", `quantity=1`, "", 400, "validation", []string{"body"}},
		{"receipt: empty body", "/stock/SKU-001/receipts", ``, "", 400, "validation", []string{"body"}},
		{"receipt: form content type", "/stock/SKU-001/receipts", `quantity=1`, "application/x-www-form-urlencoded", 415, "unsupported-media-type", nil},
		{"receipt: quantity missing", "/stock/SKU-001/receipts", `{"reference":"DN-1"}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity null", "/stock/SKU-001/receipts", `{"quantity":null}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity 0", "/stock/SKU-001/receipts", `{"quantity":0}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity negative", "/stock/SKU-001/receipts", `{"quantity":-5}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity over 1,000,000", "/stock/SKU-001/receipts", `{"quantity":1000001}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity beyond int64", "/stock/SKU-001/receipts", `{"quantity":1e30}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity not whole", "/stock/SKU-001/receipts", `{"quantity":1.5}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: quantity a string", "/stock/SKU-001/receipts", `{"quantity":"5"}`, "", 400, "validation", []string{"quantity"}},
		{"receipt: reference too long", "/stock/SKU-001/receipts", `{"quantity":1,"reference":"` + long + `"}`, "", 400, "validation", []string{"reference"}},
		{"receipt: reference padded", "/stock/SKU-001/receipts", `{"quantity":1,"reference":"DN-1 "}`, "", 400, "validation", []string{"reference"}},
		{"receipt: reference with a newline", "/stock/SKU-001/receipts", `{"quantity":1,"reference":"DN\n1"}`, "", 400, "validation", []string{"reference"}},
		{"receipt: unknown field", "/stock/SKU-001/receipts", `{"quantity":1,"supplier":"ACME"}`, "", 400, "validation", []string{"supplier"}},
		{"receipt: two bad fields", "/stock/SKU-001/receipts", `{"quantity":0,"reference":" "}`, "", 400, "validation", []string{"quantity", "reference"}},
		{"adjustment: unknown SKU", "/stock/NOPE-1/adjustments", `{"delta":-1,"reason":"count"}`, "", 404, "not-found", nil},
		{"adjustment: malformed SKU", "/stock/SKU%20001/adjustments", `{"delta":-1,"reason":"count"}`, "", 400, "validation", []string{"sku"}},
		{"adjustment: delta missing", "/stock/SKU-001/adjustments", `{"reason":"count"}`, "", 400, "validation", []string{"delta"}},
		{"adjustment: delta 0", "/stock/SKU-001/adjustments", `{"delta":0,"reason":"count"}`, "", 400, "validation", []string{"delta"}},
		{"adjustment: delta below -1,000,000", "/stock/SKU-001/adjustments", `{"delta":-1000001,"reason":"count"}`, "", 400, "validation", []string{"delta"}},
		{"adjustment: delta over 1,000,000", "/stock/SKU-001/adjustments", `{"delta":1000001,"reason":"count"}`, "", 400, "validation", []string{"delta"}},
		{"adjustment: reason missing", "/stock/SKU-001/adjustments", `{"delta":-1}`, "", 400, "validation", []string{"reason"}},
		{"adjustment: reason blank", "/stock/SKU-001/adjustments", `{"delta":-1,"reason":"  "}`, "", 400, "validation", []string{"reason"}},
		{"adjustment: reason too long", "/stock/SKU-001/adjustments", `{"delta":-1,"reason":"` + strings.Repeat("r", events.MaxReasonLen+1) + `"}`, "", 400, "validation", []string{"reason"}},
		{"adjustment: unknown field", "/stock/SKU-001/adjustments", `{"delta":-1,"reason":"count","quantity":1}`, "", 400, "validation", []string{"quantity"}},
		{"adjustment: everything wrong", "/stock/SKU-001/adjustments", `{"delta":0,"reason":"","reference":"` + long + `"}`, "", 400, "validation", []string{"delta", "reason", "reference"}},
	}
	before, _ := st.Items(context.Background())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, tt.path, strings.NewReader(tt.body))
			req.Host = "127.0.0.1" // httptest's example.com is a foreign name to the services
			req.Header.Set("Content-Type", "application/json")
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			r := reply{code: rec.Code, ct: rec.Header().Get("Content-Type"), body: body}
			if r.code != tt.code || r.ct != problem.ContentType || r.body["type"] != problem.TypeBase+tt.kind || r.body["status"] != float64(tt.code) {
				t.Fatalf("= %d %s %v, want a %d %s problem", r.code, r.ct, r.body, tt.code, tt.kind)
			}
			if got := r.fields(); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v (%v)", got, tt.fields, r.body)
			}
		})
	}
	after, _ := st.Items(context.Background())
	if !mapsEqual(before, after) || len(ob.added) != 0 {
		t.Fatalf("refused requests changed stock (%v → %v) or published %d events", before, after, len(ob.added))
	}
}

func mapsEqual(a, b map[string]stock.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOutboxFailureBooksNothing(t *testing.T) {
	e, st, ob := newAPI(t, true)
	ob.fail = errors.New("disk full")
	if r := call(t, e, http.MethodPost, "/stock/SKU-002/receipts", `{"quantity":5,"reference":"DN-1"}`); r.code != http.StatusInternalServerError {
		t.Fatalf("receipt with a failing outbox = %d %v, want 500", r.code, r.body)
	}
	items, _ := st.Items(context.Background(), "SKU-002")
	ms, _ := st.Movements(context.Background(), "SKU-002")
	if items["SKU-002"].OnHand != 20000 || len(ms) != 0 || len(ob.notified) != 0 {
		t.Fatalf("on_hand %d, %d movements, %d wake-ups: a movement without its event was committed", items["SKU-002"].OnHand, len(ms), len(ob.notified))
	}
}
