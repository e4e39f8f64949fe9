// Package listen is invoicing-svc's side of the saga (events mode): it
// charges the customer for a StockReserved (InvoiceIssued, or
// PaymentDeclined) and voids the invoice of an OrderCancelled
// (InvoiceVoided), announcing what it did on invoicing.v1.
// platform/consume claims the event id, stores the announcement in the
// outbox in the same transaction and wakes the relay.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// Handler handles inventory.v1 and orders.v1.
type Handler struct {
	Now    func() time.Time
	Ledger store.Ledger
}

// Routes are the events invoicing-svc reacts to; the others on its topics
// (OrderPlaced, StockRejected, StockReleased, stock movements) need nothing
// from invoicing and are skipped.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{
		events.TypeStockReserved:  h.charge,
		events.TypeOrderCancelled: h.cancel,
	}
}

// charge charges the customer for a reserved order and announces the
// invoice or the decline. A repeat, or a reservation of an order cancelled
// before, announces nothing.
func (h *Handler) charge(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	reserved, ok := payload.(*events.StockReserved)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	out, err := h.Ledger.Charge(ctx, tx, store.Order{OrderID: reserved.OrderID, CustomerID: reserved.CustomerID, Items: reserved.Items}, now)
	var noPrice *invoice.NoPriceError
	if errors.As(err, &noPrice) {
		// Retrying cannot help: a human must add the price, then redrive.
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if err != nil || out.Action != invoice.Charge {
		return nil, err
	}
	inv := out.Invoice
	var p events.Payload = events.InvoiceIssued{OrderID: inv.OrderID, InvoiceID: inv.ID, TotalCents: inv.TotalCents, Currency: inv.Currency}
	if inv.Status == invoice.Declined {
		p = events.PaymentDeclined{OrderID: inv.OrderID, CustomerID: inv.CustomerID, ReservationID: reserved.ReservationID,
			Reason: inv.Reason, AmountCents: inv.TotalCents, Currency: inv.Currency}
	}
	return emit(inv.OrderID, now, p)
}

// cancel voids the invoice of a cancelled order (the credit goes back) and
// announces it, or remembers the cancellation of an order not charged yet.
func (h *Handler) cancel(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	cancelled, ok := payload.(*events.OrderCancelled)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	out, err := h.Ledger.Cancel(ctx, tx, cancelled.OrderID, cancelled.Reason, now)
	if err != nil || out.Action != invoice.Void {
		return nil, err
	}
	inv := out.Invoice
	return emit(inv.OrderID, now, events.InvoiceVoided{OrderID: inv.OrderID, InvoiceID: inv.ID, Reason: cancelled.Reason, RefundedCents: inv.TotalCents, Currency: inv.Currency})
}

func emit(key string, now time.Time, p events.Payload) ([]events.Envelope, error) {
	out, err := events.New(key, now, p)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{out}, nil
}
