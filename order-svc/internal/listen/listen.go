// Package listen applies the events order-svc consumes (events mode): stock
// reserved or rejected on inventory.v1, invoice issued on invoicing.v1.
// platform/consume claims each event id in the same transaction, so a
// redelivery changes nothing.
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
// before the order lookup, which would dead-letter them as an "unknown order".
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{
		events.TypeStockReserved: h.apply,
		events.TypeStockRejected: h.apply,
		events.TypeInvoiceIssued: h.apply,
	}
}

// apply moves the event's order to the state the event implies; it emits nothing.
func (h *Handler) apply(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	o, err := store.GetTx(ctx, tx, env.OrderID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s for unknown order %s", events.ErrInvalid, env.Type, env.OrderID)
	}
	if err != nil {
		return nil, err
	}
	now := h.Now()
	switch p := payload.(type) {
	case *events.StockReserved:
		err = o.MarkReserved(p.ReservationID, now)
	case *events.StockRejected:
		err = o.MarkRejected(p.Reason, now)
	case *events.InvoiceIssued:
		err = o.MarkInvoiced(p.InvoiceID, p.TotalCents, now)
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
