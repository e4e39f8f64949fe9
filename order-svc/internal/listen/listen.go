// Package listen applies the events order-svc consumes (events mode): stock
// reserved, rejected or released on inventory.v1; invoice issued or voided
// and payment declined on invoicing.v1. platform/consume claims each event id
// in the same transaction, so a redelivery changes nothing, and stores what a
// handler emits in the outbox in that transaction too.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Handler moves orders through the state machine as events arrive.
type Handler struct {
	Now func() time.Time
}

// Routes are the events order-svc reacts to. Stock movements share
// inventory.v1 but concern no order: they are not routed, so they are skipped
// before the order lookup.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{
		events.TypeStockReserved:   h.apply,
		events.TypeStockRejected:   h.apply,
		events.TypeInvoiceIssued:   h.apply,
		events.TypePaymentDeclined: h.apply,
		events.TypeStockReleased:   h.apply,
		events.TypeInvoiceVoided:   h.apply,
	}
}

// apply moves the event's order to the state the event implies. It emits
// an OrderCancelled only for an order it never had (see unknown).
func (h *Handler) apply(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	now := h.Now()
	o, err := store.GetTx(ctx, tx, env.OrderID)
	if errors.Is(err, store.ErrNotFound) {
		return h.unknown(ctx, tx, env, payload, now)
	}
	if err != nil {
		return nil, err
	}
	switch payload.(type) {
	case *events.StockReserved, *events.StockRejected, *events.InvoiceIssued,
		*events.PaymentDeclined, *events.StockReleased, *events.InvoiceVoided:
		err = o.ApplyReply(payload, now)
	default:
		return nil, nil
	}
	if errors.Is(err, order.ErrTransition) {
		// A contradiction (say, a rejection after a confirmation) is a
		// contract violation: park it in the DLQ for a human.
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if err != nil {
		return nil, err
	}
	return nil, store.Update(ctx, tx, o)
}

// unknown handles an event for an order order-svc never had (an OrderPlaced
// published by hand). A reservation or an invoice for it holds stock or
// money for nothing: order-svc records the order CANCELLED (unknown_order)
// and emits OrderCancelled, which inventory-svc and invoicing-svc undo as
// any cancellation; the row makes the ledger check see it, and a second
// step for the same order finds it and emits nothing more. Anything else
// (a rejection, a decline, a compensation) holds nothing: skipped.
func (h *Handler) unknown(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload, now time.Time) ([]events.Envelope, error) {
	var o order.Order
	switch p := payload.(type) {
	case *events.StockReserved:
		o = order.NewUnknown(env.OrderID, p.CustomerID, p.Items, now)
		o.ReservationID = p.ReservationID
		o.ReservedAt = now
	case *events.InvoiceIssued:
		o = order.NewUnknown(env.OrderID, "", nil, now)
		o.InvoiceID, o.TotalCents, o.InvoicedAt = p.InvoiceID, p.TotalCents, now
	default:
		return nil, nil
	}
	if err := store.Insert(ctx, tx, o); err != nil {
		return nil, err
	}
	ev, err := events.New(o.ID, now, o.CancelledEvent())
	if err != nil {
		return nil, fmt.Errorf("order %s (unknown): %w", o.ID, err)
	}
	return []events.Envelope{ev}, nil
}
