package placing

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Notifier wakes the outbox relay after a commit.
type Notifier interface{ Notify() }

// Events places an order by recording it PENDING together with an OrderPlaced
// outbox row in one transaction; the client gets its answer before any other
// service has heard of the order.
type Events struct {
	Store      *store.Store
	Relay      Notifier
	Propagator propagation.TextMapPropagator
	Topic      string // orders.v1 with the configured prefix
	Now        func() time.Time
}

func (e *Events) Place(ctx context.Context, d order.Draft) (order.Order, error) {
	o := order.New(uuid.NewString(), d, trace.SpanContextFromContext(ctx).TraceID().String(), e.Now())
	env, err := events.New(o.ID, o.PlacedAt, events.OrderPlaced{OrderID: o.ID, CustomerID: o.CustomerID, Items: o.Items, PlacedAt: o.PlacedAt})
	if err != nil {
		return o, err
	}
	wctx := context.WithoutCancel(ctx)
	err = e.Store.InTx(wctx, func(tx *sql.Tx) error {
		if err := store.Insert(wctx, tx, o); err != nil {
			return err
		}
		return outbox.Add(wctx, tx, e.Propagator, e.Topic, env)
	})
	if err != nil {
		return o, err
	}
	e.Relay.Notify()
	return o, nil
}
