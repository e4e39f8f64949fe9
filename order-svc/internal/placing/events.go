package placing

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
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
	Now    func() time.Time
}

func (e *Events) Place(ctx context.Context, d order.Draft) (order.Order, error) {
	o := order.New(uuid.NewString(), d, trace.SpanContextFromContext(ctx).TraceID().String(), e.Now())
	env, err := events.New(o.ID, o.PlacedAt, events.OrderPlaced{OrderID: o.ID, CustomerID: o.CustomerID, Items: o.Items, PlacedAt: o.PlacedAt})
	if err != nil {
		return o, err
	}
	// A client that hangs up after sending must not undo an order whose
	// answer may already be on its way.
	wctx := context.WithoutCancel(ctx)
	err = e.Outbox.Emit(wctx, e.Store.DB, func(tx *sql.Tx) ([]events.Envelope, error) {
		return []events.Envelope{env}, store.Insert(wctx, tx, o)
	})
	return o, err
}
