package cancel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Events cancels in events mode: CANCELLED and OrderCancelled in one
// transaction; the compensations happen in the other services.
type Events struct {
	Store  *store.Store
	Outbox *outbox.Writer
	Tracer trace.Tracer
	// Parent places a cancellation's span as TRACE_PROPAGATION says a
	// consumer's is placed (kafkabus.Propagation.ConsumerStart): in the
	// order's trace (child), linked to it (link), or on its own (off). So the
	// compensations, which follow OrderCancelled's trace context, are part of
	// the order's trace in child mode.
	Parent consume.SpanParent
	// Saga, when set (SAGA=orchestration), moves the order's saga in the
	// cancel's transaction and returns the compensating commands to send
	// beside OrderCancelled (which is then a fact for late readers only).
	Saga func(ctx context.Context, tx *sql.Tx, o order.Order) ([]events.Envelope, error)
	Now  func() time.Time
}

var _ Canceller = (*Events)(nil)

// Cancel is the customer's cancellation.
func (e *Events) Cancel(ctx context.Context, id string) (order.Order, bool, error) {
	o, changed, err := e.one(ctx, id, events.ReasonCustomer)
	if changed {
		e.Outbox.Notify()
	}
	return o, changed, err
}

// one cancels id for reason in its own transaction with its outbox row,
// inside a span of the order's trace; it does not wake the relay.
func (e *Events) one(ctx context.Context, id, reason string) (order.Order, bool, error) {
	o, err := e.Store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return o, false, fmt.Errorf("order %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, false, err
	}
	ctx, span := e.startSpan(ctx, o, reason)
	defer span.End()
	var changed bool
	// The cancellation outlives a client that hangs up: it is decided.
	wctx := context.WithoutCancel(ctx)
	err = e.Store.InTx(wctx, func(tx *sql.Tx) error {
		var err error
		// Read again inside the transaction: an event may have moved the
		// order on since (the writer is single, so this read is the truth).
		if o, err = store.GetTx(wctx, tx, id); err != nil {
			return err
		}
		if changed, err = o.Cancel(reason, e.Now()); err != nil || !changed {
			return err
		}
		if err := store.Update(wctx, tx, o); err != nil {
			return err
		}
		env, err := events.New(o.ID, o.CancelledAt, o.CancelledEvent())
		if err != nil {
			return err
		}
		return e.emit(wctx, tx, o, env)
	})
	span.SetAttributes(attribute.String("orderflow.order_status", string(o.Status)), attribute.Bool("orderflow.cancelled_now", changed))
	if err != nil && !errors.Is(err, order.ErrFinal) {
		span.SetStatus(codes.Error, err.Error())
	}
	return o, changed, err
}

// emit writes OrderCancelled and, orchestrated, the saga's commands.
func (e *Events) emit(ctx context.Context, tx *sql.Tx, o order.Order, cancelled events.Envelope) error {
	out := []events.Envelope{cancelled}
	if e.Saga != nil {
		cmds, err := e.Saga(ctx, tx, o)
		if err != nil {
			return fmt.Errorf("order %s: move the saga: %w", o.ID, err)
		}
		out = append(out, cmds...)
	}
	for _, env := range out {
		if err := e.Outbox.Add(ctx, tx, env); err != nil {
			return err
		}
	}
	return nil
}

// startSpan starts "cancel order" where Parent puts it for the order's
// placing request; the caller's own span (the cancel request's) is linked.
func (e *Events) startSpan(ctx context.Context, o order.Order, reason string) (context.Context, trace.Span) {
	var headers []kafka.Header
	if o.TraceParent != "" {
		headers = append(headers, kafka.Header{Key: "traceparent", Value: []byte(o.TraceParent)})
	}
	pctx, opts := e.Parent(ctx, headers)
	if caller := trace.SpanContextFromContext(ctx); caller.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: caller}))
	}
	opts = append(opts, trace.WithAttributes(attribute.String("orderflow.order_id", o.ID), attribute.String("orderflow.cancel_reason", reason)))
	return e.Tracer.Start(pctx, "cancel order", opts...)
}
