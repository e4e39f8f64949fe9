package downstream

import (
	"context"
	"fmt"
	"net/http"

	"github.com/orderflow/platform/retry"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/downstream/client"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Recheck repeats POST /reservations for an order whose first call failed
// ambiguously (its answer lost to a timeout, a reset, a 5xx): the call is
// idempotent per order, so the answer is the reservation the first one made
// — or, if it never arrived, one made now (the caller releases it). It
// returns the reservation's id, or "" when nothing is held (409 out of
// stock). Like the compensations it is bounded by ctx, not by the per-call
// timeout, and tries again on 503 (nothing done).
func (c *Inventory) Recheck(ctx context.Context, orderID string, items []order.Line) (string, error) {
	for attempt := 1; ; attempt++ {
		id, again, err := c.recheck(ctx, orderID, items)
		if !again || !retry.Sleep(ctx, releaseBackoff.Delay(attempt)) {
			return id, err
		}
	}
}

// recheck makes one attempt; again says whether another may succeed.
func (c *Inventory) recheck(ctx context.Context, orderID string, items []order.Line) (id string, again bool, err error) {
	api, err := newAPI(c.BaseURL, patient(c.HTTP))
	if err != nil {
		return "", false, &placing.UnavailableError{Service: topology.InventorySvc, Err: err}
	}
	res, err := api.ReserveStockWithResponse(ctx, client.ReserveRequest{OrderID: orderID, Items: toLines(items)})
	if err != nil {
		return "", false, &placing.UnavailableError{Service: topology.InventorySvc, Err: fmt.Errorf("recheck the reservation of %s: %w", orderID, err)}
	}
	switch {
	case res.JSON200 != nil: // what the first call reserved
		return res.JSON200.ReservationID, false, nil
	case res.JSON201 != nil: // the first call never arrived
		return res.JSON201.ReservationID, false, nil
	case res.ApplicationProblemJSON409 != nil:
		return "", false, nil
	}
	return "", res.StatusCode() == http.StatusServiceUnavailable, &placing.UnavailableError{Service: topology.InventorySvc,
		Err: fmt.Errorf("recheck the reservation of %s: %w", orderID, unexpected(res.HTTPResponse, res.Body))}
}
