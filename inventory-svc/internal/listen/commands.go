package listen

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// CommandRoutes are the orchestrated saga's commands (SAGA=orchestration,
// inventory.commands.v1). The same state table decides as in choreography:
// ReserveStock is an OrderPlaced, ReleaseStock the cancellation or decline
// its reason names. What a command does is answered on the orchestrator's
// reply channel with the choreography's payload, marked with the command's
// id; a command that changes nothing (a repeat) is not answered again.
func (h *Handler) CommandRoutes() consume.Routes {
	return consume.Routes{
		events.TypeReserveStock: h.reserveCommand,
		events.TypeReleaseStock: h.releaseCommand,
	}
}

func (h *Handler) reserveCommand(ctx context.Context, tx *sql.Tx, cmd events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.ReserveStock)
	if !ok {
		return nil, nil
	}
	now := h.Now()
	answer, err := h.reserve(ctx, tx, c.OrderID, c.CustomerID, c.Items, now)
	if err != nil || answer == nil {
		return nil, err
	}
	return reply(cmd)(emit(c.OrderID, now, answer))
}

// releaseCommand gives the reservation back. A command naming another
// reservation than the order's contradicts what inventory-svc did: it is
// dead-lettered rather than guessed at, as a PaymentDeclined would be.
func (h *Handler) releaseCommand(ctx context.Context, tx *sql.Tx, cmd events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.ReleaseStock)
	if !ok {
		return nil, nil
	}
	msg := stock.MsgOrderCancelled
	if c.Reason == events.ReasonPaymentDeclined {
		msg = stock.MsgPaymentDeclined
	}
	r, act, err := decide(ctx, tx, c.OrderID, msg)
	if err != nil {
		return nil, err
	}
	switch act {
	case stock.Nothing:
		return nil, nil
	case stock.Tombstone: // a release before any reserve: only a hand-made command does that
		return h.cancelled(ctx, tx, cmd, &events.OrderCancelled{OrderID: c.OrderID, Reason: c.Reason})
	case stock.Release:
		if c.ReservationID != r.ID {
			return nil, fmt.Errorf("%w: ReleaseStock for order %s names reservation %s, but the order's reservation is %s",
				events.ErrInvalid, c.OrderID, c.ReservationID, r.ID)
		}
		return reply(cmd)(h.release(ctx, tx, r, stock.ReleaseCause{Reason: c.Reason, Detail: c.Detail}))
	}
	return nil, unexpected(act, msg)
}

// reply marks the answers to cmd as its replies.
func reply(cmd events.Envelope) func([]events.Envelope, error) ([]events.Envelope, error) {
	return func(out []events.Envelope, err error) ([]events.Envelope, error) {
		for i := range out {
			out[i] = events.Reply(cmd, out[i])
		}
		return out, err
	}
}
