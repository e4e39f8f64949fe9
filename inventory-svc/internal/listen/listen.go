// Package listen reserves stock for OrderPlaced events (events mode) and
// answers on inventory.v1. platform/consume claims the event id, stores the
// answer in the outbox in the same transaction and wakes the relay.
package listen

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// Handler handles orders.v1.
type Handler struct {
	Now func() time.Time
}

// Routes are the events inventory-svc reacts to.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{events.TypeOrderPlaced: h.reserve}
}

// reserve reserves the order's stock, or rejects it, and answers with
// StockReserved or StockRejected.
func (h *Handler) reserve(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	placed, ok := payload.(*events.OrderPlaced)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	res, _, err := store.Reserve(ctx, tx, placed.OrderID, placed.Items, now)
	var short *stock.InsufficientError
	var answer events.Payload
	switch {
	case errors.As(err, &short):
		answer = events.StockRejected{OrderID: placed.OrderID, Reason: short.Error(), SKU: short.SKU}
	case err != nil:
		return nil, err
	default:
		answer = events.StockReserved{OrderID: placed.OrderID, ReservationID: res.ID, CustomerID: placed.CustomerID, Items: placed.Items}
	}
	out, err := events.New(placed.OrderID, now, answer)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{out}, nil
}
