// Package listen reserves stock for OrderPlaced events (events mode) and
// answers on inventory.v1 through the outbox.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// Notifier wakes the outbox relay after a commit.
type Notifier interface{ Notify() }

// Handler handles orders.v1.
type Handler struct {
	Store      *store.Store
	Relay      Notifier
	Propagator propagation.TextMapPropagator
	Topic      string // inventory.v1 with the configured prefix
	Now        func() time.Time
}

// Handle reserves the order's stock, or rejects it, and records the answer in
// the outbox — the claim of the event id, the reservation and the outgoing
// event commit together or not at all.
func (h *Handler) Handle(ctx context.Context, env events.Envelope, payload events.Payload) error {
	placed, ok := payload.(*events.OrderPlaced)
	if !ok {
		return nil
	}
	wrote := false
	err := h.Store.InTx(ctx, func(tx *sql.Tx) error {
		first, err := inbox.Claim(ctx, tx, env.ID, env.Type)
		if err != nil || !first {
			return err
		}
		now := h.Now()
		res, _, err := store.Reserve(ctx, tx, placed.OrderID, placed.Items, now)
		var short *stock.InsufficientError
		var answer events.Payload
		switch {
		case errors.As(err, &short):
			answer = events.StockRejected{OrderID: placed.OrderID, Reason: short.Error(), SKU: short.SKU}
		case err != nil:
			return err
		default:
			answer = events.StockReserved{OrderID: placed.OrderID, ReservationID: res.ID, CustomerID: placed.CustomerID, Items: placed.Items}
		}
		out, err := events.New(placed.OrderID, now, answer)
		if err != nil {
			return err
		}
		wrote = true
		return outbox.Add(ctx, tx, h.Propagator, h.Topic, out)
	})
	if err == nil && wrote {
		h.Relay.Notify()
	}
	return err
}
