// Package orchestrate is order-svc's orchestrator (SAGA=orchestration): it
// starts each order's saga when the order is placed, moves it on the
// participants' replies (order-saga.replies.v1) and on its own decisions
// (the deadline, the customer's cancel), and sends the commands the state
// table (order.DecideSaga) says. Every change goes through one transaction
// with the commands' outbox rows: the placing path's, the cancel's, or
// platform/consume's (inbox claim, apply, outbox).
package orchestrate

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

// Orchestrator drives the sagas.
type Orchestrator struct {
	Now func() time.Time
	// FraudCheck adds the CHECKING step (FRAUD_CHECK=on).
	FraudCheck bool
}

// Start begins o's saga in tx (the placing transaction): RESERVING, and
// the ReserveStock to send.
func (s *Orchestrator) Start(ctx context.Context, tx *sql.Tx, o order.Order) ([]events.Envelope, error) {
	if err := store.PutSagaStep(ctx, tx, o.ID, order.StepReserving, o.PlacedAt); err != nil {
		return nil, err
	}
	return one(o.ID, o.PlacedAt, events.ReserveStock{OrderID: o.ID, CustomerID: o.CustomerID, Items: o.Items})
}

// Cancelled moves o's saga in tx after o.Cancel changed the order (the
// cancel's transaction) and returns the command the table sends.
func (s *Orchestrator) Cancelled(ctx context.Context, tx *sql.Tx, o order.Order) ([]events.Envelope, error) {
	step, err := store.SagaStep(ctx, tx, o.ID)
	if err != nil {
		return nil, err
	}
	move, err := order.DecideSagaFor(s.FraudCheck, step, order.InputCancel)
	if err != nil || step == order.StepNone {
		return nil, err // no saga: an order placed before SAGA=orchestration
	}
	return s.move(ctx, tx, o, step, move, nil)
}

// Routes are the replies the orchestrator follows.
func (s *Orchestrator) Routes() consume.Routes {
	r := consume.Routes{}
	for _, typ := range order.SagaInputs {
		if typ != order.InputCancel {
			r[typ] = s.reply
		}
	}
	return r
}

// reply applies a participant's reply: the order moves as in choreography,
// the saga as the table says, and the table's command is returned.
func (s *Orchestrator) reply(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	step, err := store.SagaStep(ctx, tx, env.OrderID)
	if err != nil {
		return nil, err
	}
	move, err := order.DecideSagaFor(s.FraudCheck, step, env.Type)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	}
	if move.Invalid {
		return nil, fmt.Errorf("%w: %s for order %s, whose saga is %s: a reply to a command never sent", events.ErrInvalid, env.Type, env.OrderID, step)
	}
	now := s.Now()
	if step == order.StepNone {
		return undoUnknown(env.OrderID, payload, now)
	}
	o, err := store.GetTx(ctx, tx, env.OrderID)
	if err != nil {
		return nil, err
	}
	if err := o.ApplyReply(payload, now); errors.Is(err, order.ErrTransition) {
		return nil, fmt.Errorf("%w: %v", events.ErrInvalid, err)
	} else if err != nil {
		return nil, err
	}
	if err := store.Update(ctx, tx, o); err != nil {
		return nil, err
	}
	return s.move(ctx, tx, o, step, move, payload)
}

// move records the saga's next step and returns its command.
func (s *Orchestrator) move(ctx context.Context, tx *sql.Tx, o order.Order, step order.SagaStep, move order.SagaMove, cause events.Payload) ([]events.Envelope, error) {
	now := s.Now()
	if move.Next != step {
		if err := store.PutSagaStep(ctx, tx, o.ID, move.Next, now); err != nil {
			return nil, err
		}
	}
	if move.Send == "" {
		return nil, nil
	}
	cmd, err := command(move.Send, o, cause)
	if err != nil {
		return nil, fmt.Errorf("order %s at %s: %w", o.ID, step, err)
	}
	return one(o.ID, now, cmd)
}

// command is the command of type typ for o, caused by the reply cause (nil
// for the orchestrator's own cancel).
func command(typ string, o order.Order, cause events.Payload) (events.Payload, error) {
	switch typ {
	case events.TypeIssueInvoice:
		return events.IssueInvoice{OrderID: o.ID, CustomerID: o.CustomerID, ReservationID: o.ReservationID, Items: o.Items}, nil
	case events.TypeCheckFraud:
		return events.CheckFraud{OrderID: o.ID, CustomerID: o.CustomerID, ReservationID: o.ReservationID, Items: o.Items}, nil
	case events.TypeReleaseStock:
		if d, ok := cause.(*events.PaymentDeclined); ok {
			return events.ReleaseStock{OrderID: o.ID, ReservationID: o.ReservationID, Reason: events.ReasonPaymentDeclined, Detail: d.Reason}, nil
		}
		if f, ok := cause.(*events.FraudSuspected); ok {
			return events.ReleaseStock{OrderID: o.ID, ReservationID: o.ReservationID, Reason: events.ReasonFraudSuspected, Detail: f.Reason}, nil
		}
		return events.ReleaseStock{OrderID: o.ID, ReservationID: o.ReservationID, Reason: o.Reason}, nil
	case events.TypeVoidInvoice:
		return events.VoidInvoice{OrderID: o.ID, InvoiceID: o.InvoiceID, Reason: o.Reason}, nil
	}
	return nil, fmt.Errorf("no command %q", typ)
}

// undoUnknown answers a reply for an order order-svc never had (a command
// published by hand): what it holds is given back, reason unknown_order.
func undoUnknown(orderID string, payload events.Payload, now time.Time) ([]events.Envelope, error) {
	switch p := payload.(type) {
	case *events.StockReserved:
		return one(orderID, now, events.ReleaseStock{OrderID: orderID, ReservationID: p.ReservationID, Reason: events.ReasonUnknownOrder})
	case *events.InvoiceIssued:
		return one(orderID, now, events.VoidInvoice{OrderID: orderID, InvoiceID: p.InvoiceID, Reason: events.ReasonUnknownOrder})
	}
	return nil, nil
}

func one(orderID string, at time.Time, p events.Payload) ([]events.Envelope, error) {
	env, err := events.New(orderID, at, p)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{env}, nil
}
