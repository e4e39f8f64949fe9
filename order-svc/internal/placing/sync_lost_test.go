package placing_test

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// An Issue that failed ambiguously (its answer lost: timeout, reset, 5xx)
// may have charged the customer: before the order ends FAILED, invoicing is
// asked again, and an invoice it issued is voided. A request invoicing did
// not act on (not reached, 503) or a decline is not asked about.
func TestSyncLostInvoiceAnswer(t *testing.T) {
	timeout := &placing.UnavailableError{Service: "invoicing-svc", Err: errors.New(`Post "http://x/invoices": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)}
	full := &placing.UnavailableError{Service: "invoicing-svc", Err: errors.New("HTTP 503: full"), Unsent: true}
	tests := []struct {
		name         string
		bill         *fakeInvoicing
		wantRecheck  int
		wantVoided   []string
		wantReason   string
		wantTimeline []string
	}{
		{"issued before the answer was lost: voided", &fakeInvoicing{err: timeout, charged: "inv-lost"}, 1, []string{"inv-lost"},
			"; reservation res-1 released; invoice inv-lost voided", []string{"placed", "reserved", "released", "voided", "failed"}},
		{"nothing charged", &fakeInvoicing{err: timeout}, 1, nil,
			"; reservation res-1 released", []string{"placed", "reserved", "released", "failed"}},
		{"invoicing cannot tell", &fakeInvoicing{err: timeout, recheckErr: errors.New("invoicing-svc unavailable: connection reset")}, 1, nil,
			"; whether it was charged is unknown: invoicing-svc unavailable: connection reset", []string{"placed", "reserved", "released", "failed"}},
		{"the void fails", &fakeInvoicing{err: timeout, charged: "inv-lost", voidErr: errors.New("HTTP 500")}, 1, []string{"inv-lost"},
			"; invoice inv-lost was issued and voiding it failed: HTTP 500", []string{"placed", "reserved", "released", "failed"}},
		{"unsent: not asked", &fakeInvoicing{err: full, charged: "never"}, 0, nil,
			"; reservation res-1 released", []string{"placed", "reserved", "released", "failed"}},
		{"declined: not asked", &fakeInvoicing{err: &placing.DeclinedError{Detail: "over"}, charged: "never"}, 0, nil,
			"", []string{"placed", "reserved", "declined", "released", "failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			inv := &fakeInventory{resID: "res-1"}
			s := &placing.Sync{Store: st, Inventory: inv, Invoicing: tt.bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
			o, err := s.Place(context.Background(), draft)
			if !errors.Is(err, tt.bill.err) {
				t.Fatalf("Place err = %v, want the first call's %v", err, tt.bill.err)
			}
			if o.Status != order.Failed || !strings.HasSuffix(o.Reason, tt.wantReason) {
				t.Fatalf("order = %s %q, want FAILED ending %q", o.Status, o.Reason, tt.wantReason)
			}
			if tt.bill.rechecks != tt.wantRecheck || !reflect.DeepEqual(tt.bill.voided, tt.wantVoided) {
				t.Fatalf("rechecks %d, voided %v; want %d, %v", tt.bill.rechecks, tt.bill.voided, tt.wantRecheck, tt.wantVoided)
			}
			if got := timeline(o); !slices.Equal(got, tt.wantTimeline) {
				t.Fatalf("timeline %v, want %v", got, tt.wantTimeline)
			}
			if !reflect.DeepEqual(inv.released, []string{"res-1"}) {
				t.Fatalf("released %v, want [res-1]", inv.released)
			}
			if saved, _ := st.Get(context.Background(), o.ID); saved.Reason != o.Reason || !slices.Equal(timeline(saved), tt.wantTimeline) {
				t.Fatalf("stored = %q %v", saved.Reason, timeline(saved))
			}
		})
	}
}

// Cancelled while the invoice's answer was lost: the order stays CANCELLED
// and the invoice the first call issued is voided all the same.
func TestSyncLostInvoiceOfACancelledOrder(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{err: &placing.UnavailableError{Service: "invoicing-svc", Err: context.DeadlineExceeded}, charged: "inv-lost"}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	bill.hook = func() { _, _, _ = s.Cancel(context.Background(), onlyOrder(t, st)) }
	o, _ := s.Place(context.Background(), draft)
	if o.Status != order.Cancelled || o.Reason != "customer" || !reflect.DeepEqual(bill.voided, []string{"inv-lost"}) || o.VoidedAt.IsZero() {
		t.Fatalf("order = %s %q voided at %v; voided %v; want CANCELLED (customer) with inv-lost voided", o.Status, o.Reason, o.VoidedAt, bill.voided)
	}
}

// The same for Reserve: a reservation the lost call made is released before
// the order ends FAILED, and recorded (reserved, released).
func TestSyncLostReservationAnswer(t *testing.T) {
	timeout := &placing.UnavailableError{Service: "inventory-svc", Err: errors.New(`Post "http://x/reservations": context deadline exceeded`)}
	refused := &placing.UnavailableError{Service: "inventory-svc", Err: errors.New("dial tcp: connection refused"), Unsent: true}
	tests := []struct {
		name         string
		inv          *fakeInventory
		wantRecheck  int
		wantReleased []string
		wantReason   string
		wantTimeline []string
	}{
		{"reserved before the answer was lost: released", &fakeInventory{reserveErr: timeout, held: "res-lost"}, 1, []string{"res-lost"},
			"; reservation res-lost released", []string{"placed", "reserved", "released", "failed"}},
		{"nothing held", &fakeInventory{reserveErr: timeout}, 1, nil,
			"context deadline exceeded", []string{"placed", "failed"}},
		{"inventory cannot tell", &fakeInventory{reserveErr: timeout, recheckErr: errors.New("inventory-svc unavailable: HTTP 500")}, 1, nil,
			"; whether stock is held for it is unknown: inventory-svc unavailable: HTTP 500", []string{"placed", "failed"}},
		{"the release fails", &fakeInventory{reserveErr: timeout, held: "res-lost", releaseErr: errors.New("HTTP 500")}, 1, []string{"res-lost"},
			"; reservation res-lost was made and releasing it failed: HTTP 500", []string{"placed", "reserved", "failed"}},
		{"unsent: not asked", &fakeInventory{reserveErr: refused, held: "never"}, 0, nil,
			"connection refused", []string{"placed", "failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			bill := &fakeInvoicing{invID: "inv-1"}
			s := &placing.Sync{Store: st, Inventory: tt.inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
			o, err := s.Place(context.Background(), draft)
			if !errors.Is(err, tt.inv.reserveErr) {
				t.Fatalf("Place err = %v, want the first call's %v", err, tt.inv.reserveErr)
			}
			if o.Status != order.Failed || !strings.HasSuffix(o.Reason, tt.wantReason) {
				t.Fatalf("order = %s %q, want FAILED ending %q", o.Status, o.Reason, tt.wantReason)
			}
			if tt.inv.rechecks != tt.wantRecheck || !reflect.DeepEqual(tt.inv.released, tt.wantReleased) || len(bill.calls) != 0 {
				t.Fatalf("rechecks %d, released %v, invoicing calls %v; want %d, %v, none", tt.inv.rechecks, tt.inv.released, bill.calls, tt.wantRecheck, tt.wantReleased)
			}
			if got := timeline(o); !slices.Equal(got, tt.wantTimeline) {
				t.Fatalf("timeline %v, want %v", got, tt.wantTimeline)
			}
			if saved, _ := st.Get(context.Background(), o.ID); saved.Reason != o.Reason || !slices.Equal(timeline(saved), tt.wantTimeline) {
				t.Fatalf("stored = %q %v", saved.Reason, timeline(saved))
			}
		})
	}
}
