package placing_test

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"testing"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// hookInventory runs hook while Reserve is in flight.
type hookInventory struct {
	*fakeInventory
	hook func(orderID string)
}

func (h hookInventory) Reserve(ctx context.Context, orderID string, items []order.Line) (string, error) {
	h.hook(orderID)
	return h.fakeInventory.Reserve(ctx, orderID, items)
}

func timeline(o order.Order) []string {
	var out []string
	for _, s := range o.Timeline() {
		out = append(out, s.Step)
	}
	return out
}

func onlyOrder(t *testing.T, st *store.Store) string {
	t.Helper()
	var id string
	if err := st.DB.QueryRow(`SELECT id FROM orders`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A declined payment releases the reservation and ends the order FAILED
// with the decline's detail; the client hears a decline, not an outage.
func TestSyncPaymentDeclined(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{err: &placing.DeclinedError{Detail: "charge of 5030 cents exceeds the remaining credit of 0 cents"}}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	o, err := s.Place(context.Background(), draft)
	if !placing.IsDeclined(err) || placing.IsUnavailable(err) {
		t.Fatalf("Place err = %v, want a decline", err)
	}
	if o.Status != order.Failed || o.Reason != "payment declined: charge of 5030 cents exceeds the remaining credit of 0 cents" {
		t.Fatalf("order = %s %q", o.Status, o.Reason)
	}
	if !reflect.DeepEqual(inv.released, []string{"res-1"}) {
		t.Fatalf("released = %v, want [res-1]", inv.released)
	}
	if got, want := timeline(o), []string{"placed", "reserved", "declined", "released", "failed"}; !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if saved, _ := st.Get(context.Background(), o.ID); saved.Status != order.Failed || saved.Reason != o.Reason {
		t.Fatalf("stored = %+v", saved)
	}
}

// Cancelled while inventory-svc reserves: the cancel has nothing to undo
// yet; the placing request releases the reservation it then gets, never
// invoices, and answers CANCELLED.
func TestSyncCancelledWhileReserving(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{invID: "inv-1"}
	s := &placing.Sync{Store: st, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	var during order.Order
	s.Inventory = hookInventory{inv, func(id string) {
		var err error
		if during, _, err = s.Cancel(context.Background(), id); err != nil {
			t.Errorf("Cancel: %v", err)
		}
	}}
	o, err := s.Place(context.Background(), draft)
	if err != nil || o.Status != order.Cancelled || o.Reason != "customer" {
		t.Fatalf("Place = %s %q, %v; want CANCELLED", o.Status, o.Reason, err)
	}
	if during.Status != order.Cancelled || len(inv.released) != 1 || inv.released[0] != "res-1" || len(bill.calls) != 0 {
		t.Fatalf("cancel answered %s; released %v; invoicing calls %v", during.Status, inv.released, bill.calls)
	}
	if got, want := timeline(o), []string{"placed", "cancelled", "reserved", "released"}; !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
}

// Cancelled while invoicing-svc issues the invoice: the cancel releases the
// reservation it knows of; the placing request voids the invoice it then
// gets and answers CANCELLED. Each compensation runs once.
func TestSyncCancelledWhileInvoicing(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{invID: "inv-1", total: 5030}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	var during order.Order
	bill.hook = func() {
		var pending bool
		var err error
		during, pending, err = s.Cancel(context.Background(), onlyOrder(t, st))
		if err != nil || pending {
			t.Errorf("Cancel = %v, pending %v", err, pending)
		}
	}
	o, err := s.Place(context.Background(), draft)
	if err != nil || o.Status != order.Cancelled {
		t.Fatalf("Place = %s, %v; want CANCELLED", o.Status, err)
	}
	if during.Status != order.Cancelled || during.ReleasedAt.IsZero() {
		t.Fatalf("the cancel answered %+v, want CANCELLED with the reservation released", during)
	}
	if !reflect.DeepEqual(inv.released, []string{"res-1"}) || !reflect.DeepEqual(bill.voided, []string{"inv-1"}) {
		t.Fatalf("released %v, voided %v; want each once", inv.released, bill.voided)
	}
	if got, want := timeline(o), []string{"placed", "reserved", "cancelled", "released", "invoiced", "voided"}; !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
}

// Cancelled while invoicing-svc declines: the order stays CANCELLED (the
// customer's outcome), its reservation released.
func TestSyncCancelledWhileDeclined(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{err: &placing.DeclinedError{Detail: "over the limit"}}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	bill.hook = func() { _, _, _ = s.Cancel(context.Background(), onlyOrder(t, st)) }
	o, _ := s.Place(context.Background(), draft)
	if o.Status != order.Cancelled || o.Reason != "customer" || len(inv.released) == 0 {
		t.Fatalf("order = %s %q, released %v; want CANCELLED (customer), released", o.Status, o.Reason, inv.released)
	}
}

func TestSyncCancelRefusals(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: &fakeInvoicing{invID: "inv-1"}, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	o, err := s.Place(context.Background(), draft)
	if err != nil || o.Status != order.Confirmed {
		t.Fatal(o.Status, err)
	}
	got, _, err := s.Cancel(context.Background(), o.ID)
	if !errors.Is(err, order.ErrFinal) || got.Status != order.Confirmed {
		t.Fatalf("cancel a CONFIRMED order = %s, %v; want ErrFinal", got.Status, err)
	}
	if len(inv.released) != 0 {
		t.Fatalf("a refused cancel released %v", inv.released)
	}
	if _, _, err := s.Cancel(context.Background(), "00000000-0000-4000-8000-000000000000"); !errors.Is(err, cancel.ErrNotFound) {
		t.Fatalf("cancel an unknown order: %v", err)
	}
}

// A cancel of a cancelled order answers it again and undoes nothing twice.
func TestSyncCancelIsIdempotent(t *testing.T) {
	st := openStore(t)
	inv := &fakeInventory{resID: "res-1"}
	bill := &fakeInvoicing{invID: "inv-1"}
	s := &placing.Sync{Store: st, Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
	var first, second order.Order
	bill.hook = func() {
		id := onlyOrder(t, st)
		first, _, _ = s.Cancel(context.Background(), id)
		second, _, _ = s.Cancel(context.Background(), id)
	}
	_, _ = s.Place(context.Background(), draft)
	if first.Status != order.Cancelled || !reflect.DeepEqual(first, second) || len(inv.released) != 1 {
		t.Fatalf("first %+v\nsecond %+v\nreleased %v", first, second, inv.released)
	}
}
