package httpapi

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"

	"github.com/orderflow/invoicing-svc/internal/store"
)

var t0 = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)

const plenty = 100_000_000_000

// newAPI serves the API behind its request validator, as the service does.
func newAPI(t *testing.T, mode config.Mode, decline *bool) *echo.Echo {
	e, _ := newAPIStore(t, mode, decline)
	return e
}

func newAPIStore(t *testing.T, mode config.Mode, decline *bool) (*echo.Echo, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "invoicing.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := httpserver.New(httpserver.Options{
		Service: "invoicing-svc", Mode: string(mode), Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry(),
	})
	l := store.Ledger{DefaultLimitCents: plenty}
	if decline != nil {
		l.Decline = func() bool { return *decline }
	}
	if err := (&API{Store: st, Now: func() time.Time { return t0 }, Ledger: l, Mode: mode}).Register(e); err != nil {
		t.Fatal(err)
	}
	return e, st
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

func (r reply) problem(t *testing.T, code int, kind string) {
	t.Helper()
	if r.code != code || r.ct != problem.ContentType || r.body["type"] != problem.TypeBase+kind {
		t.Fatalf("answer %d %s %v, want a %d %s problem", r.code, r.ct, r.body, code, kind)
	}
}

func (r reply) fields() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

func invoiceBody(orderID, customer string, qty int) string {
	return `{"order_id":"` + orderID + `","customer_id":"` + customer + `","items":[{"sku":"SKU-002","qty":` + strconv.Itoa(qty) + `}]}`
}

const (
	order1 = "a1000000-0000-4000-8000-000000000001"
	order2 = "a1000000-0000-4000-8000-000000000002"
	order3 = "a1000000-0000-4000-8000-000000000003"
)

// TestChargeDeclineAndVoid walks cust-thrifty (€100) through a charge, a
// decline, repeats of both, a raised limit that changes no decision, a void
// and the requests that come after it.
func TestChargeDeclineAndVoid(t *testing.T) {
	e := newAPI(t, config.ModeSync, nil)
	first := call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-thrifty", 2))
	if first.code != 201 || first.body["status"] != "ISSUED" || first.body["total_cents"] != 9800.0 {
		t.Fatalf("first charge = %d %v", first.code, first.body)
	}
	id := first.body["invoice_id"].(string)
	if again := call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-thrifty", 2)); again.code != 200 || again.body["invoice_id"] != id {
		t.Fatalf("repeat = %d %v", again.code, again.body)
	}
	credit := call(t, e, "GET", "/customers/cust-thrifty/credit", "")
	if credit.code != 200 || credit.body["limit_cents"] != 10000.0 || credit.body["charged_cents"] != 9800.0 || credit.body["remaining_cents"] != 200.0 || credit.body["customer_id"] != "cust-thrifty" {
		t.Fatalf("credit = %d %v", credit.code, credit.body)
	}

	declined := call(t, e, "POST", "/invoices", invoiceBody(order2, "cust-thrifty", 1))
	declined.problem(t, 402, "payment-declined")
	if d := declined.body["detail"].(string); !strings.Contains(d, "€49.00") || !strings.Contains(d, "€2.00 of credit remaining") ||
		declined.body["amount_cents"] != 4900.0 || declined.body["remaining_cents"] != 200.0 || declined.body["order_id"] != order2 || declined.body["customer_id"] != "cust-thrifty" || declined.body["currency"] != "EUR" {
		t.Fatalf("402 = %v", declined.body)
	}
	declinedID := declined.body["invoice_id"].(string)
	if r := call(t, e, "PUT", "/customers/cust-thrifty/credit-limit", `{"limit_cents":1000000}`); r.code != 200 || r.body["remaining_cents"] != 990200.0 {
		t.Fatalf("raise the limit = %d %v", r.code, r.body)
	}
	again := call(t, e, "POST", "/invoices", invoiceBody(order2, "cust-thrifty", 1))
	again.problem(t, 402, "payment-declined")
	if again.body["invoice_id"] != declinedID || again.body["detail"] != declined.body["detail"] || again.body["remaining_cents"] != 990200.0 {
		t.Fatalf("repeat of the declined order = %v; want the same decision, today's remaining credit", again.body)
	}

	voided := call(t, e, "POST", "/invoices/"+id+"/void", "")
	if voided.code != 200 || voided.body["status"] != "VOIDED" || voided.body["reason"] != "customer" || voided.body["voided_at"] != "2025-11-03T09:00:00Z" {
		t.Fatalf("void = %d %v", voided.code, voided.body)
	}
	if r := call(t, e, "POST", "/invoices/"+id+"/void", `{"reason":"deadline"}`); r.code != 200 || r.body["status"] != "VOIDED" || r.body["reason"] != "customer" {
		t.Fatalf("second void = %d %v; want the first void, unchanged", r.code, r.body)
	}
	if r := call(t, e, "GET", "/customers/cust-thrifty/credit", ""); r.body["charged_cents"] != 0.0 {
		t.Fatalf("credit after the void = %v", r.body)
	}
	call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-thrifty", 2)).problem(t, 409, "invoice-voided")
	call(t, e, "POST", "/invoices/"+declinedID+"/void", "").problem(t, 409, "invoice-declined")
	call(t, e, "POST", "/invoices/b0000000-0000-4000-8000-000000000000/void", "").problem(t, 404, "not-found")

	third := call(t, e, "POST", "/invoices", invoiceBody(order3, "cust-ada", 1))
	if r := call(t, e, "POST", "/invoices/"+third.body["invoice_id"].(string)+"/void", `{"reason":"deadline"}`); r.code != 200 || r.body["reason"] != "deadline" {
		t.Fatalf("void with a reason = %d %v", r.code, r.body)
	}
	if r := call(t, e, "POST", "/invoices/"+id+"/void", `{"reason":"bored"}`); r.code != 400 || !slices.Equal(r.fields(), []string{"reason"}) {
		t.Fatalf("void with a bad reason = %d %v", r.code, r.body)
	}
	if r := call(t, e, "GET", "/invoices/totals", ""); r.body["count"] != 0.0 || r.body["total_cents"] != 0.0 {
		t.Fatalf("totals count voided or declined invoices: %v", r.body)
	}
}

func TestProviderDecline(t *testing.T) {
	decline := true
	e := newAPI(t, config.ModeSync, &decline)
	r := call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-ada", 1))
	r.problem(t, 402, "payment-declined")
	if r.body["detail"] != "declined by the payment provider (fault decline_rate)" || r.body["remaining_cents"] != float64(plenty) {
		t.Fatalf("402 = %v", r.body)
	}
	decline = false
	if r := call(t, e, "POST", "/invoices", invoiceBody(order2, "cust-ada", 1)); r.code != 201 {
		t.Fatalf("without the fault = %d %v", r.code, r.body)
	}
}

func TestCreditLimitInput(t *testing.T) {
	e := newAPI(t, config.ModeSync, nil)
	for _, c := range []struct{ name, path, body, field string }{
		{"negative", "/customers/c-1/credit-limit", `{"limit_cents":-1}`, "limit_cents"},
		{"over 10^12", "/customers/c-1/credit-limit", `{"limit_cents":1000000000001}`, "limit_cents"},
		{"a fraction", "/customers/c-1/credit-limit", `{"limit_cents":10.5}`, "limit_cents"},
		{"a string", "/customers/c-1/credit-limit", `{"limit_cents":"100"}`, "limit_cents"},
		{"missing", "/customers/c-1/credit-limit", `{}`, "limit_cents"},
		{"unknown member", "/customers/c-1/credit-limit", `{"limit_cents":1,"currency":"EUR"}`, "currency"},
		{"customer too long", "/customers/" + strings.Repeat("c", 65) + "/credit-limit", `{"limit_cents":1}`, "id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, e, "PUT", c.path, c.body)
			r.problem(t, 400, "validation")
			if !slices.Contains(r.fields(), c.field) {
				t.Fatalf("fields %v, want %s", r.fields(), c.field)
			}
		})
	}
	for range 2 { // idempotent
		if r := call(t, e, "PUT", "/customers/c-1/credit-limit", `{"limit_cents":1000000000000}`); r.code != 200 || r.body["limit_cents"] != 1e12 || r.body["remaining_cents"] != 1e12 {
			t.Fatalf("PUT 10^12 = %d %v", r.code, r.body)
		}
	}
	if r := call(t, e, "GET", "/customers/someone-new/credit", ""); r.code != 200 || r.body["limit_cents"] != float64(plenty) || r.body["charged_cents"] != 0.0 {
		t.Fatalf("a customer without a limit = %d %v", r.code, r.body)
	}
	if r := call(t, e, "GET", "/customers/cust-broke/credit", ""); r.body["limit_cents"] != 0.0 || r.body["remaining_cents"] != 0.0 {
		t.Fatalf("cust-broke = %v", r.body)
	}
}

func TestListPages(t *testing.T) {
	e := newAPI(t, config.ModeSync, nil)
	call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-ada", 1))
	call(t, e, "POST", "/invoices", invoiceBody(order2, "cust-broke", 1))
	call(t, e, "POST", "/invoices", invoiceBody(order3, "cust-ada", 1))
	page := call(t, e, "GET", "/invoices?limit=2", "")
	next, _ := page.body["next_after"].(string)
	if page.code != 200 || page.body["count"] != 2.0 || next == "" {
		t.Fatalf("first page = %d %v", page.code, page.body)
	}
	last := call(t, e, "GET", "/invoices?limit=2&after="+next, "")
	if last.code != 200 || last.body["count"] != 1.0 || last.body["next_after"] != nil {
		t.Fatalf("last page = %d %v", last.code, last.body)
	}
	if r := call(t, e, "GET", "/invoices?status=DECLINED", ""); r.body["count"] != 1.0 || r.body["invoices"].([]any)[0].(map[string]any)["order_id"] != order2 {
		t.Fatalf("declined = %v", r.body)
	}
	if r := call(t, e, "GET", "/invoices?order_id="+order3+"&status=ISSUED", ""); r.body["count"] != 1.0 {
		t.Fatalf("order 3 issued = %v", r.body)
	}
	call(t, e, "GET", "/invoices?after=b0000000-0000-4000-8000-000000000000", "").problem(t, 404, "not-found")
	for q, field := range map[string]string{"status=PAID": "status", "after=nope": "after", "limit=0": "limit"} {
		if r := call(t, e, "GET", "/invoices?"+q, ""); r.code != 400 || !slices.Contains(r.fields(), field) {
			t.Errorf("GET /invoices?%s = %d %v, want 400 on %s", q, r.code, r.body, field)
		}
	}
}

// TestEventsModeRefusesTheSyncWrites: in events mode the events charge and
// void; the credit API works in both modes.
func TestEventsModeRefusesTheSyncWrites(t *testing.T) {
	e := newAPI(t, config.ModeEvents, nil)
	r := call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-ada", 1))
	r.problem(t, 409, "wrong-mode")
	if !strings.Contains(r.body["detail"].(string), "StockReserved") {
		t.Fatalf("detail %q does not say which events issue invoices", r.body["detail"])
	}
	r = call(t, e, "POST", "/invoices/b0000000-0000-4000-8000-000000000000/void", "")
	r.problem(t, 409, "wrong-mode")
	if !strings.Contains(r.body["detail"].(string), "OrderCancelled") {
		t.Fatalf("detail %q does not say which events void invoices", r.body["detail"])
	}
	if r := call(t, e, "PUT", "/customers/cust-ada/credit-limit", `{"limit_cents":5}`); r.code != 200 || r.body["limit_cents"] != 5.0 {
		t.Fatalf("PUT limit in events mode = %d %v", r.code, r.body)
	}
	if r := call(t, e, "GET", "/invoices", ""); r.code != 200 || r.body["count"] != 0.0 {
		t.Fatalf("GET /invoices in events mode = %d %v", r.code, r.body)
	}
}

// TestChargeAfterATombstone: an order cancelled before its charge (events
// mode left the tombstone) is not charged over REST either.
func TestChargeAfterATombstone(t *testing.T) {
	e, st := newAPIStore(t, config.ModeSync, nil)
	err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := store.Ledger{}.Cancel(context.Background(), tx, order1, "deadline", t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := call(t, e, "POST", "/invoices", invoiceBody(order1, "cust-ada", 1))
	r.problem(t, 409, "order-cancelled")
	if r.body["order_id"] != order1 {
		t.Fatalf("409 = %v", r.body)
	}
	if l := call(t, e, "GET", "/invoices?order_id="+order1, ""); l.body["count"] != 0.0 {
		t.Fatalf("invoices = %v", l.body)
	}
}
