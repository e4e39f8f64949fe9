package listen

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// cancelled releases what the order holds (StockReleased with the cancel
// reason); an order not seen yet gets a tombstone so its OrderPlaced, if it
// ever comes, reserves nothing.
func (h *Handler) cancelled(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.OrderCancelled)
	if !ok {
		return nil, nil
	}
	r, act, err := decide(ctx, tx, c.OrderID, stock.MsgOrderCancelled)
	if err != nil {
		return nil, err
	}
	switch act {
	case stock.Nothing:
		return nil, nil
	case stock.Tombstone:
		_, err := store.Tombstone(ctx, tx, c.OrderID, c.Reason, h.Now())
		return nil, err
	case stock.Release:
		return h.release(ctx, tx, r, stock.CauseOfCancel(*c))
	}
	return nil, unexpected(act, stock.MsgOrderCancelled)
}

// declined releases the order's reservation (StockReleased, reason
// payment_declined, the decline's reason as detail). A decline naming
// another reservation than the order's contradicts what inventory-svc did:
// it is dead-lettered rather than guessed at.
func (h *Handler) declined(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	d, ok := payload.(*events.PaymentDeclined)
	if !ok {
		return nil, nil
	}
	return h.releaseNamed(ctx, tx, d.OrderID, d.ReservationID, stock.MsgPaymentDeclined, stock.CauseOfDecline(*d))
}

// suspected releases the order's reservation when fraud-svc suspects it
// (FRAUD_CHECK=on, choreography): StockReleased, reason fraud_suspected, the
// verdict's reason as detail — a decline's cell of the table, another cause.
func (h *Handler) suspected(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	f, ok := payload.(*events.FraudSuspected)
	if !ok {
		return nil, nil
	}
	return h.releaseNamed(ctx, tx, f.OrderID, f.ReservationID, stock.MsgFraudSuspected, stock.CauseOfSuspicion(*f))
}

// releaseNamed is the table's release for msg (a decline or a suspicion),
// which names the reservation it means: another than the order's is
// dead-lettered rather than guessed at.
func (h *Handler) releaseNamed(ctx context.Context, tx *sql.Tx, orderID, reservationID, msg string, cause stock.ReleaseCause) ([]events.Envelope, error) {
	r, act, err := decide(ctx, tx, orderID, msg)
	if err != nil {
		return nil, err
	}
	switch act {
	case stock.Nothing:
		return nil, nil
	case stock.Release:
		if reservationID != r.ID {
			return nil, fmt.Errorf("%w: %s for order %s names reservation %s, but the order's reservation is %s",
				events.ErrInvalid, msg, orderID, reservationID, r.ID)
		}
		return h.release(ctx, tx, r, cause)
	}
	return nil, unexpected(act, msg)
}

func (h *Handler) release(ctx context.Context, tx *sql.Tx, r stock.Reservation, cause stock.ReleaseCause) ([]events.Envelope, error) {
	now := h.Now()
	rel, err := store.ReleaseHeld(ctx, tx, r, cause, now)
	if err != nil {
		return nil, err
	}
	return emit(rel.OrderID, now, events.StockReleased{OrderID: rel.OrderID, ReservationID: rel.ID, Items: rel.Lines,
		Reason: cause.Reason, Detail: cause.Detail})
}

// unexpected is a cell the handler has no code for: a table changed without
// its handler. Retried, not dead-lettered: the fix is a deploy, not the event.
func unexpected(act stock.Action, msg string) error {
	return fmt.Errorf("no handling of action %s for %s", act, msg)
}
