package placing_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "orders.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// clock returns a Now that advances 1 ms per call.
func clock() func() time.Time {
	t := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Millisecond)
		return t
	}
}

type fakeInventory struct {
	resID      string
	reserveErr error
	releaseErr error
	reserved   []string // order ids
	items      [][]order.Line
	released   []string // reservation ids
	// Recheck answers held (the order's reservation, "" for none) or
	// recheckErr, and counts its calls in rechecks.
	held       string
	recheckErr error
	rechecks   int
}

func (f *fakeInventory) Recheck(ctx context.Context, _ string, _ []order.Line) (string, error) {
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	f.rechecks++
	return f.held, f.recheckErr
}

func (f *fakeInventory) Reserve(_ context.Context, orderID string, items []order.Line) (string, error) {
	f.reserved = append(f.reserved, orderID)
	f.items = append(f.items, items)
	if f.reserveErr != nil {
		return "", f.reserveErr
	}
	return f.resID, nil
}

func (f *fakeInventory) Release(ctx context.Context, reservationID string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	f.released = append(f.released, reservationID)
	return f.releaseErr
}

type fakeInvoicing struct {
	invID string
	total int64
	err   error
	calls []string // order id / customer
	hook  func()   // runs inside Issue
	// voided lists the invoices Void was asked to void.
	voided  []string
	voidErr error
	// Recheck answers charged (the order's ISSUED invoice, "" for none) or
	// recheckErr, and counts its calls in rechecks.
	charged    string
	recheckErr error
	rechecks   int
}

func (f *fakeInvoicing) Recheck(ctx context.Context, _, _ string, _ []order.Line) (string, error) {
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	f.rechecks++
	return f.charged, f.recheckErr
}

func (f *fakeInvoicing) Void(ctx context.Context, invoiceID string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	f.voided = append(f.voided, invoiceID)
	return f.voidErr
}

func (f *fakeInvoicing) Issue(_ context.Context, orderID, customerID string, _ []order.Line) (string, int64, error) {
	f.calls = append(f.calls, orderID+"/"+customerID)
	if f.hook != nil {
		f.hook()
	}
	if f.err != nil {
		return "", 0, f.err
	}
	return f.invID, f.total, nil
}

var draft = order.Draft{CustomerID: "cust-1", Items: []order.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}}}

func TestSync(t *testing.T) {
	invDown := &placing.UnavailableError{Service: "inventory-svc", Err: errors.New("dial tcp 127.0.0.1:8082: connection refused")}
	billDown := &placing.UnavailableError{Service: "invoicing-svc", Err: errors.New("HTTP 500: boom")}
	// A service at HTTP_MAX_IN_FLIGHT answers 503 before doing anything.
	invFull := &placing.UnavailableError{Service: "inventory-svc", Err: errors.New("HTTP 503: this service serves at most 3 requests at once (HTTP_MAX_IN_FLIGHT)")}
	billFull := &placing.UnavailableError{Service: "invoicing-svc", Err: errors.New("HTTP 503: this service serves at most 3 requests at once (HTTP_MAX_IN_FLIGHT)")}
	tests := []struct {
		name         string
		inv          *fakeInventory
		bill         *fakeInvoicing
		wantStatus   order.Status
		wantErr      error
		wantReason   []string
		wantInvoiced bool // invoicing was called
		wantReleased []string
	}{
		{name: "confirmed", inv: &fakeInventory{resID: "res-1"}, bill: &fakeInvoicing{invID: "inv-1", total: 5030},
			wantStatus: order.Confirmed, wantInvoiced: true},
		{name: "out of stock", inv: &fakeInventory{reserveErr: &placing.OutOfStockError{SKU: "SKU-005", Detail: "SKU SKU-005: 5 requested, 3 available"}}, bill: &fakeInvoicing{},
			wantStatus: order.Rejected, wantReason: []string{"SKU SKU-005: 5 requested, 3 available"}},
		{name: "inventory unavailable", inv: &fakeInventory{reserveErr: invDown}, bill: &fakeInvoicing{},
			wantStatus: order.Failed, wantErr: invDown, wantReason: []string{"inventory-svc unavailable", "connection refused"}},
		{name: "inventory full: nothing to invoice or release", inv: &fakeInventory{reserveErr: invFull}, bill: &fakeInvoicing{},
			wantStatus: order.Failed, wantErr: invFull, wantReason: []string{"inventory-svc unavailable: HTTP 503", "HTTP_MAX_IN_FLIGHT"}},
		{name: "invoicing full: reservation released", inv: &fakeInventory{resID: "res-9"}, bill: &fakeInvoicing{err: billFull},
			wantStatus: order.Failed, wantErr: billFull, wantInvoiced: true, wantReleased: []string{"res-9"},
			wantReason: []string{"invoicing-svc unavailable: HTTP 503", "reservation res-9 released"}},
		{name: "invoicing fails: reservation released", inv: &fakeInventory{resID: "res-7"}, bill: &fakeInvoicing{err: billDown},
			wantStatus: order.Failed, wantErr: billDown, wantInvoiced: true, wantReleased: []string{"res-7"},
			wantReason: []string{"invoicing-svc unavailable: HTTP 500: boom", "reservation res-7 released"}},
		{name: "invoicing fails and release fails", inv: &fakeInventory{resID: "res-8", releaseErr: errors.New("inventory-svc unavailable: timeout")}, bill: &fakeInvoicing{err: billDown},
			wantStatus: order.Failed, wantErr: billDown, wantInvoiced: true, wantReleased: []string{"res-8"},
			wantReason: []string{"releasing reservation res-8 also failed: inventory-svc unavailable: timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			s := &placing.Sync{Store: st, Inventory: tt.inv, Invoicing: tt.bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
			o, err := s.Place(context.Background(), draft)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Place: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Place err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && !placing.IsUnavailable(err) {
				t.Fatalf("IsUnavailable(%v) = false", err)
			}
			if o.Status != tt.wantStatus {
				t.Fatalf("status = %s (reason %q), want %s", o.Status, o.Reason, tt.wantStatus)
			}
			for _, r := range tt.wantReason {
				if !strings.Contains(o.Reason, r) {
					t.Errorf("reason %q does not mention %q", o.Reason, r)
				}
			}
			if !reflect.DeepEqual(tt.inv.reserved, []string{o.ID}) || !reflect.DeepEqual(tt.inv.items, [][]order.Line{draft.Items}) {
				t.Errorf("inventory asked to reserve %v %v, want once for %s", tt.inv.reserved, tt.inv.items, o.ID)
			}
			if tt.wantInvoiced != (len(tt.bill.calls) == 1) || (tt.wantInvoiced && tt.bill.calls[0] != o.ID+"/cust-1") {
				t.Errorf("invoicing calls = %v, want invoiced=%v", tt.bill.calls, tt.wantInvoiced)
			}
			if !reflect.DeepEqual(tt.inv.released, tt.wantReleased) {
				t.Errorf("released = %v, want %v", tt.inv.released, tt.wantReleased)
			}

			// What the client hears is what the database holds.
			saved, err := st.Get(context.Background(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Status != tt.wantStatus || saved.Reason != o.Reason || saved.InvoiceID != o.InvoiceID || saved.TotalCents != o.TotalCents {
				t.Fatalf("stored order = %+v, returned %+v", saved, o)
			}
			switch tt.wantStatus {
			case order.Confirmed:
				if o.InvoiceID != "inv-1" || o.TotalCents != 5030 || o.ReservedAt.IsZero() || o.ConfirmedAt.IsZero() || !o.ConfirmedAt.After(o.ReservedAt) {
					t.Errorf("confirmed order = %+v", o)
				}
				if names := len(saved.Timeline()); names != 4 {
					t.Errorf("stored timeline = %+v, want placed, reserved, invoiced, confirmed", saved.Timeline())
				}
			case order.Failed:
				if o.FailedAt.IsZero() {
					t.Errorf("FailedAt not set")
				}
				if len(tt.wantReleased) > 0 && o.ReservedAt.IsZero() {
					t.Errorf("the reservation step was not recorded before the failure")
				}
			}
		})
	}
}

func TestSyncRecordsTraceID(t *testing.T) {
	st := openStore(t)
	s := &placing.Sync{Store: st, Inventory: &fakeInventory{resID: "r"}, Invoicing: &fakeInvoicing{invID: "i"}, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	o, err := s.Place(ctx, draft)
	if err != nil || o.TraceID != tid.String() {
		t.Fatalf("Place = %+v, %v; want trace id %s", o, err, tid)
	}
}

// The request may be cancelled while invoicing runs (client hung up, timeout):
// the compensation must still run, on a context of its own.
func TestSyncCompensatesAfterCancel(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	inv := &fakeInventory{resID: "res-9"}
	bill := &fakeInvoicing{err: &placing.UnavailableError{Service: "invoicing-svc", Err: context.Canceled}, hook: cancel}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	o, _ := s.Place(ctx, draft)
	if !reflect.DeepEqual(inv.released, []string{"res-9"}) {
		t.Fatalf("released = %v after the request was cancelled, want [res-9]", inv.released)
	}
	saved, err := st.Get(context.Background(), o.ID)
	if err != nil || saved.Status != order.Failed {
		t.Fatalf("stored order = %+v, %v; want FAILED", saved, err)
	}
}

// BUG (order-svc/internal/placing/sync.go, Sync.save): the state change is
// applied to the returned order before the database write, so when the write
// fails Place returns the new, final status together with the error. The
// handler treats "final status + error" as "the outcome was recorded" and
// answers 201 CONFIRMED for an order the database still holds as RESERVED.
// Fix: in save, change a copy and return the unchanged order on failure.
func TestSyncDoesNotReportUnsavedFinalStatus(t *testing.T) {
	st := openStore(t)
	bill := &fakeInvoicing{invID: "inv-1", total: 100, hook: func() { st.DB.Close() }} // the database goes away mid-flow
	s := &placing.Sync{Store: st, Inventory: &fakeInventory{resID: "res-1"}, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	o, err := s.Place(context.Background(), draft)
	if err == nil {
		t.Fatalf("Place succeeded although the final write failed: %+v", o)
	}
	if o.Status.Final() {
		t.Fatalf("Place returned status %s with the write error %q: the handler reports it as the outcome, but it was never stored", o.Status, err)
	}
}

type countingNotifier struct{ n atomic.Int32 }

func (c *countingNotifier) Notify() { c.n.Add(1) }

func TestEvents(t *testing.T) {
	st := openStore(t)
	notes := &countingNotifier{}
	e := &placing.Events{Store: st, Outbox: &outbox.Writer{Topic: "run1-orders.v1", Propagator: propagation.TraceContext{}, Relay: notes}, Now: clock()}

	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	o, err := e.Place(ctx, draft)
	if err != nil {
		t.Fatalf("Place: %v", err)
	}
	if o.Status != order.Pending || o.ID == "" || o.TraceID != tid.String() {
		t.Fatalf("Place = %+v, want a PENDING order with the request's trace id", o)
	}
	if got := notes.n.Load(); got != 1 {
		t.Fatalf("Notify called %d times, want 1", got)
	}
	saved, err := st.Get(context.Background(), o.ID)
	if err != nil || saved.Status != order.Pending {
		t.Fatalf("stored order = %+v, %v; want PENDING", saved, err)
	}

	rows, err := st.DB.Query(`SELECT event_id, event_type, topic, msg_key, payload, trace_ctx, published_at IS NULL FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		var id, typ, topic, key, tc string
		var payload []byte
		var unpublished bool
		if err := rows.Scan(&id, &typ, &topic, &key, &payload, &tc, &unpublished); err != nil {
			t.Fatal(err)
		}
		if typ != events.TypeOrderPlaced || topic != "run1-orders.v1" || key != o.ID || !unpublished {
			t.Errorf("outbox row = %s %s key %s unpublished %v", typ, topic, key, unpublished)
		}
		if !strings.Contains(tc, tid.String()) {
			t.Errorf("outbox trace context %s lacks the request's trace id %s", tc, tid)
		}
		env, p, err := events.Decode(payload)
		if err != nil {
			t.Fatalf("outbox payload does not decode: %v", err)
		}
		placed := p.(*events.OrderPlaced)
		if env.ID != id || env.OrderID != o.ID || placed.CustomerID != "cust-1" || !reflect.DeepEqual(placed.Items, draft.Items) || !placed.PlacedAt.Equal(o.PlacedAt) {
			t.Errorf("outbox event = %+v %+v, want OrderPlaced for %+v", env, placed, o)
		}
	}
	if n != 1 {
		t.Fatalf("outbox has %d rows, want exactly 1", n)
	}
}

// The order and its event commit together: when the outbox write fails, the
// order is not stored either, and the relay is not woken.
func TestEventsIsAtomic(t *testing.T) {
	st := openStore(t)
	if _, err := st.DB.Exec(`DROP TABLE outbox`); err != nil {
		t.Fatal(err)
	}
	notes := &countingNotifier{}
	e := &placing.Events{Store: st, Outbox: &outbox.Writer{Topic: "orders.v1", Propagator: propagation.TraceContext{}, Relay: notes}, Now: clock()}
	o, err := e.Place(context.Background(), draft)
	if err == nil {
		t.Fatal("Place succeeded without an outbox table")
	}
	if _, gerr := st.Get(context.Background(), o.ID); !errors.Is(gerr, store.ErrNotFound) {
		t.Fatalf("order %s was stored without its event (Get err = %v)", o.ID, gerr)
	}
	if notes.n.Load() != 0 {
		t.Fatalf("Notify called after a failed transaction")
	}
	var n int
	if err := st.InTx(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n)
	}); err != nil || n != 0 {
		t.Fatalf("orders table has %d rows (%v), want 0", n, err)
	}
}
