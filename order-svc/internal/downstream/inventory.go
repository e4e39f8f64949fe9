package downstream

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/platform/retry"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/downstream/client"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Inventory is the REST client of inventory-svc.
type Inventory struct {
	BaseURL string
	HTTP    *http.Client
}

// Reserve asks inventory to reserve items for orderID (idempotent per order).
func (c *Inventory) Reserve(ctx context.Context, orderID string, items []order.Line) (string, error) {
	api, err := newAPI(c.BaseURL, c.HTTP)
	if err != nil {
		return "", &placing.UnavailableError{Service: topology.InventorySvc, Err: err}
	}
	res, err := api.ReserveStockWithResponse(ctx, client.ReserveRequest{OrderID: orderID, Items: toLines(items)})
	if err != nil { // unreachable, timed out, or an answer that does not decode
		return "", &placing.UnavailableError{Service: topology.InventorySvc, Err: err, Unsent: unsent(err)}
	}
	switch {
	case res.JSON201 != nil:
		return res.JSON201.ReservationID, nil
	case res.JSON200 != nil: // a retried call: the reservation made the first time
		return res.JSON200.ReservationID, nil
	case res.ApplicationProblemJSON409 != nil:
		p := res.ApplicationProblemJSON409
		return "", &placing.OutOfStockError{SKU: p.SKU, Detail: p.Detail}
	}
	// A 503 is answered before the request is handled: nothing was reserved.
	return "", &placing.UnavailableError{Service: topology.InventorySvc, Err: unexpected(res.HTTPResponse, res.Body),
		Unsent: res.StatusCode() == http.StatusServiceUnavailable}
}

// Release cancels a reservation (the compensation when invoicing fails).
// A 503 means inventory-svc did nothing (full: HTTP_MAX_IN_FLIGHT reached, or
// failing on purpose), and releasing is idempotent, so Release tries again
// until ctx ends: held stock is worse than a late release. The caller bounds
// ctx.
func (c *Inventory) Release(ctx context.Context, reservationID string) error {
	for attempt := 1; ; attempt++ {
		again, err := c.release(ctx, reservationID)
		if !again || !retry.Sleep(ctx, releaseBackoff.Delay(attempt)) {
			return err
		}
	}
}

// releaseBackoff starts fast (a slot frees as soon as one request ends) and
// backs off to inventory's Retry-After.
var releaseBackoff = retry.Backoff{First: 20 * time.Millisecond, Max: time.Second}

// release makes one attempt; again says whether another may succeed.
func (c *Inventory) release(ctx context.Context, reservationID string) (again bool, err error) {
	api, err := newAPI(c.BaseURL, patient(c.HTTP))
	if err != nil {
		return false, &placing.UnavailableError{Service: topology.InventorySvc, Err: err}
	}
	res, err := api.ReleaseReservationWithResponse(ctx, reservationID)
	if err != nil {
		return false, &placing.UnavailableError{Service: topology.InventorySvc, Err: err}
	}
	if res.JSON200 == nil {
		return res.StatusCode() == http.StatusServiceUnavailable,
			&placing.UnavailableError{Service: topology.InventorySvc, Err: fmt.Errorf("release %s: %w", reservationID, unexpected(res.HTTPResponse, res.Body))}
	}
	return false, nil
}

// Ping checks inventory-svc's liveness (for order-svc's readiness in sync mode).
func (c *Inventory) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, topology.InventorySvc)
}

func do(ctx context.Context, hc *http.Client, method, url string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return hc.Do(req)
}

func ping(ctx context.Context, hc *http.Client, base, name string) error {
	res, err := do(ctx, hc, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: /healthz answered %d", name, res.StatusCode)
	}
	return nil
}
