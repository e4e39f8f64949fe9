package listen

import (
	"context"
	"database/sql"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
)

// ClearedRoutes replace Routes with FRAUD_CHECK=on in choreography: the
// charge waits for fraud-svc's FraudCleared instead of StockReserved (which
// invoicing-svc no longer reads), the cancellations stay. FraudSuspected is
// skipped: inventory-svc releases the stock, nothing was charged. This is
// the lesson's point: adding a step changed a consumer downstream of it.
func (h *Handler) ClearedRoutes() consume.Routes {
	return consume.Routes{
		events.TypeFraudCleared:   h.cleared,
		events.TypeOrderCancelled: h.cancel,
	}
}

// cleared charges as for a StockReserved: FraudCleared carries the same
// reservation, customer and lines.
func (h *Handler) cleared(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload) ([]events.Envelope, error) {
	c, ok := payload.(*events.FraudCleared)
	if !ok {
		return nil, nil
	}
	return h.charge(ctx, tx, env, &events.StockReserved{OrderID: c.OrderID, ReservationID: c.ReservationID, CustomerID: c.CustomerID, Items: c.Items})
}
