package placing

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Events places an order by recording it PENDING together with an OrderPlaced
// outbox row in one transaction; the client gets its answer before any other
// service has heard of the order.
type Events struct {
	Store  *store.Store
	Outbox *outbox.Writer // orders.v1 with the configured prefix
	// Direct, when set, replaces the outbox by the dual write it exists to
	// avoid (ORDER_PUBLISH=direct, for the dual-write lesson only): the order
	// is committed alone, then OrderPlaced is published with the producer.
	Direct *DirectPublish
	// AfterCommit, when set, is called right after the order's commit and
	// before its event leaves the process (faults.Injector.AfterCommit: the
	// crash_after_commit fault).
	AfterCommit func(ctx context.Context, what string)
	// Saga, when set (SAGA=orchestration), starts the order's saga in the
	// order's transaction and returns its first command, written to the
	// outbox after OrderPlaced.
	Saga func(ctx context.Context, tx *sql.Tx, o order.Order) ([]events.Envelope, error)
	Now  func() time.Time
}

// DirectPublish is where the dual write publishes OrderPlaced.
type DirectPublish struct {
	Publisher interface {
		Publish(ctx context.Context, msgs ...kafkabus.Message) error
	}
	Topic string
}

func (e *Events) Place(ctx context.Context, d order.Draft) (order.Order, error) {
	o := order.New(uuid.NewString(), d, trace.SpanContextFromContext(ctx).TraceID().String(), e.Now())
	o.TraceParent = traceParent(ctx)
	env, err := events.New(o.ID, o.PlacedAt, events.OrderPlaced{OrderID: o.ID, CustomerID: o.CustomerID, Items: o.Items, PlacedAt: o.PlacedAt})
	if err != nil {
		return o, err
	}
	// A client that hangs up after sending must not undo an order whose
	// answer may already be on its way.
	wctx := context.WithoutCancel(ctx)
	if e.Direct != nil {
		return o, e.dualWrite(wctx, o, env)
	}
	err = e.Store.InTx(wctx, func(tx *sql.Tx) error {
		if err := store.Insert(wctx, tx, o); err != nil {
			return err
		}
		if err := e.Outbox.Add(wctx, tx, env); err != nil {
			return err
		}
		return e.startSaga(wctx, tx, o)
	})
	if err != nil {
		return o, err
	}
	// The row is committed: a crash from here on, before the relay is woken,
	// only delays OrderPlaced until the relay of the restarted process
	// publishes it (the crash point comes before Notify, so the outbox round
	// of dual-write tests that recovery, not a relay that was faster).
	e.afterCommit(wctx, "order "+o.ID+" committed with its OrderPlaced outbox row")
	e.Outbox.Notify()
	return o, nil
}

// dualWrite commits the order, then publishes its event: two systems written
// one after the other, so a crash (or a failed publish) in between leaves an
// order no other service will ever hear of, PENDING forever.
func (e *Events) dualWrite(ctx context.Context, o order.Order, env events.Envelope) error {
	if err := e.Store.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) }); err != nil {
		return err
	}
	e.afterCommit(ctx, "order "+o.ID+" committed; OrderPlaced not published yet (ORDER_PUBLISH=direct)")
	body, err := env.Encode()
	if err != nil {
		return fmt.Errorf("order %s committed, OrderPlaced not published: %w", o.ID, err)
	}
	msg := kafkabus.Message{Ctx: ctx, Topic: e.Direct.Topic, Key: env.Key(), EventID: env.ID, EventType: env.Type, Value: body}
	if err := e.Direct.Publisher.Publish(ctx, msg); err != nil {
		return fmt.Errorf("order %s committed, OrderPlaced not published (no outbox will retry it): %w", o.ID, err)
	}
	return nil
}

// startSaga writes the saga's start and its first command (orchestration).
func (e *Events) startSaga(ctx context.Context, tx *sql.Tx, o order.Order) error {
	if e.Saga == nil {
		return nil
	}
	cmds, err := e.Saga(ctx, tx, o)
	if err != nil {
		return fmt.Errorf("order %s: start the saga: %w", o.ID, err)
	}
	for _, c := range cmds {
		if err := e.Outbox.Add(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

func (e *Events) afterCommit(ctx context.Context, what string) {
	if e.AfterCommit != nil {
		e.AfterCommit(ctx, what)
	}
}

// traceParent is the W3C traceparent of ctx's span ("" when not traced).
func traceParent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, c)
	return c.Get("traceparent")
}
