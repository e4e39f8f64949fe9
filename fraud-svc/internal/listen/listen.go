// Package listen is fraud-svc's side of the flow (events mode, FRAUD_CHECK=on):
// in choreography it checks each StockReserved and announces the verdict on
// fraud.v1; in orchestration it carries out CheckFraud and replies on the
// orchestrator's reply channel. platform/consume claims the event id and
// stores the verdict's event in the outbox in the same transaction.
package listen

import (
	"context"
	"database/sql"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/fraud-svc/internal/check"
	"github.com/orderflow/fraud-svc/internal/store"
)

// Handler judges orders by Rule.
type Handler struct {
	Now  func() time.Time
	Rule check.Rule
}

// Routes are the choreography's: StockReserved is checked; the other
// inventory.v1 events need nothing from fraud-svc and are skipped.
func (h *Handler) Routes() consume.Routes {
	return consume.Routes{events.TypeStockReserved: h.reserved}
}

// CommandRoutes are the orchestration's: CheckFraud, answered with the
// command's id as reply_to. A repeat changes nothing and is not answered
// again (the first answer stands), as the other participants do.
func (h *Handler) CommandRoutes() consume.Routes {
	return consume.Routes{events.TypeCheckFraud: h.command}
}

func (h *Handler) reserved(ctx context.Context, tx *sql.Tx, _ events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	r, ok := payload.(*events.StockReserved)
	if !ok {
		return nil, nil
	}
	return h.judge(ctx, tx, r.OrderID, r.CustomerID, r.ReservationID, r.Items)
}

func (h *Handler) command(ctx context.Context, tx *sql.Tx, cmd events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.CheckFraud)
	if !ok {
		return nil, nil
	}
	out, err := h.judge(ctx, tx, c.OrderID, c.CustomerID, c.ReservationID, c.Items)
	for i := range out {
		out[i] = events.Reply(cmd, out[i])
	}
	return out, err
}

// judge checks the order once and announces a new verdict.
func (h *Handler) judge(ctx context.Context, tx *sql.Tx, orderID, customerID, reservationID string, items []events.Line) ([]events.Envelope, error) {
	now := h.Now()
	c, created, err := store.Record(ctx, tx, h.Rule.Judge(orderID, customerID, reservationID, items, now))
	if err != nil || !created {
		return nil, err
	}
	var p events.Payload = events.FraudCleared{OrderID: orderID, CustomerID: customerID, ReservationID: reservationID, Items: items}
	if c.Verdict == check.Suspected {
		p = events.FraudSuspected{OrderID: orderID, CustomerID: customerID, ReservationID: reservationID, Reason: c.Reason}
	}
	env, err := events.New(orderID, now, p)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{env}, nil
}
