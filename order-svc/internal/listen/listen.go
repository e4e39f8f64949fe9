// Package listen applies the events order-svc consumes (events mode): stock
// reserved or rejected on inventory.v1, invoice issued on invoicing.v1.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Handler moves orders through the state machine as events arrive.
type Handler struct {
	Store *store.Store
	Now   func() time.Time
}

// Handle applies one event exactly once: the event id is claimed in the same
// transaction as the order update, so a redelivery changes nothing.
func (h *Handler) Handle(ctx context.Context, env events.Envelope, payload events.Payload) error {
	switch payload.(type) {
	case *events.StockReserved, *events.StockRejected, *events.InvoiceIssued:
	default:
		// Another event on a topic we share (inventory-svc's stock movements
		// on inventory.v1): it concerns no order, so it is skipped before the
		// order lookup, which would dead-letter it as an "unknown order".
		return nil
	}
	return h.Store.InTx(ctx, func(tx *sql.Tx) error {
		first, err := inbox.Claim(ctx, tx, env.ID, env.Type)
		if err != nil || !first {
			return err
		}
		o, err := store.GetTx(ctx, tx, env.OrderID)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: %s for unknown order %s", events.ErrInvalid, env.Type, env.OrderID)
		}
		if err != nil {
			return err
		}
		now := h.Now()
		switch p := payload.(type) {
		case *events.StockReserved:
			err = o.MarkReserved(now)
		case *events.StockRejected:
			err = o.MarkRejected(p.Reason, now)
		case *events.InvoiceIssued:
			err = o.MarkInvoiced(p.InvoiceID, p.TotalCents, now)
		}
		if errors.Is(err, order.ErrTransition) {
			// A contradiction (say, a rejection after a confirmation) is a
			// contract violation: park it in the DLQ for a human.
			return fmt.Errorf("%w: %v", events.ErrInvalid, err)
		}
		if err != nil {
			return err
		}
		return store.Update(ctx, tx, o)
	})
}
