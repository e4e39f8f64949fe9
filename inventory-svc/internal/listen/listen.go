// Package listen moves an order's reservation through the state table
// (stock.Decide) on the events inventory-svc consumes — OrderPlaced and
// OrderCancelled (orders.v1), PaymentDeclined (invoicing.v1) — and answers
// on inventory.v1. platform/consume claims the event id, stores the answer
// in the outbox in the same transaction and wakes the relay; other types of
// those topics (InvoiceIssued, InvoiceVoided) have no route and are skipped.
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

// Handler handles orders.v1 and invoicing.v1.
type Handler struct {
	Now func() time.Time
}

// Routes are the events inventory-svc reacts to.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{
		events.TypeOrderPlaced:     h.placed,
		events.TypeOrderCancelled:  h.cancelled,
		events.TypePaymentDeclined: h.declined,
		// Read only with FRAUD_CHECK=on: inventory-svc consumes fraud.v1 then.
		events.TypeFraudSuspected: h.suspected,
	}
}

// decide reads orderID's reservation (none: a zero one) and what msg does to it.
func decide(ctx context.Context, tx *sql.Tx, orderID, msg string) (stock.Reservation, stock.Action, error) {
	r, err := store.OrderReservation(ctx, tx, orderID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return r, stock.Nothing, err
	}
	act, err := stock.Decide(r.Status, msg)
	return r, act, err
}

// placed reserves the order's stock, or rejects it, and answers with
// StockReserved or StockRejected; an order cancelled before it was seen is
// rejected with reason "cancelled" and reserves nothing.
func (h *Handler) placed(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	placed, ok := payload.(*events.OrderPlaced)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	answer, err := h.reserve(ctx, tx, placed.OrderID, placed.CustomerID, placed.Items, now)
	if err != nil || answer == nil {
		return nil, err
	}
	return emit(placed.OrderID, now, answer)
}

// reserve carries out an OrderPlaced (choreography) or a ReserveStock
// (orchestration) and returns the answer, nil when there is none.
func (h *Handler) reserve(ctx context.Context, tx *sql.Tx, orderID, customerID string, items []events.Line, now time.Time) (events.Payload, error) {
	_, act, err := decide(ctx, tx, orderID, stock.MsgOrderPlaced)
	if err != nil {
		return nil, err
	}
	switch act {
	case stock.Nothing:
		return nil, nil
	case stock.RejectCancelled:
		if _, err := store.Reject(ctx, tx, orderID, items, stock.ReasonCancelled, now); err != nil {
			return nil, err
		}
		return events.StockRejected{OrderID: orderID, Reason: stock.ReasonCancelled}, nil
	case stock.Reserve:
		res, err := store.ReserveNew(ctx, tx, orderID, items, now) // decide found no row
		var short *stock.InsufficientError
		switch {
		case errors.As(err, &short):
			if _, err := store.Reject(ctx, tx, orderID, items, short.Error(), now); err != nil {
				return nil, err
			}
			return events.StockRejected{OrderID: orderID, Reason: short.Error(), SKU: short.SKU}, nil
		case err != nil:
			return nil, err
		}
		return events.StockReserved{OrderID: orderID, ReservationID: res.ID, CustomerID: customerID, Items: items}, nil
	}
	return nil, unexpected(act, stock.MsgOrderPlaced)
}

func emit(orderID string, now time.Time, answer events.Payload) ([]events.Envelope, error) {
	out, err := events.New(orderID, now, answer)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{out}, nil
}
