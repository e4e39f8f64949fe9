package downstream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Inventory is the REST client of inventory-svc.
type Inventory struct {
	BaseURL string
	HTTP    *http.Client
}

// Reservation is what inventory-svc answers.
type Reservation struct {
	ReservationID string `json:"reservation_id"`
	OrderID       string `json:"order_id"`
	Status        string `json:"status"`
}

// Reserve asks inventory to reserve items for orderID (idempotent per order).
func (c *Inventory) Reserve(ctx context.Context, orderID string, items []order.Line) (string, error) {
	body, _ := json.Marshal(map[string]any{"order_id": orderID, "items": items})
	var r Reservation
	res, err := do(ctx, c.HTTP, http.MethodPost, c.BaseURL+"/reservations", body)
	if err != nil {
		return "", &placing.UnavailableError{Service: "inventory-svc", Err: err}
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK:
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
			return "", &placing.UnavailableError{Service: "inventory-svc", Err: fmt.Errorf("decode reservation: %w", err)}
		}
		return r.ReservationID, nil
	case res.StatusCode == http.StatusConflict:
		p := readProblem(res)
		return "", &placing.OutOfStockError{SKU: p.SKU, Detail: p.Detail}
	default:
		p := readProblem(res)
		return "", &placing.UnavailableError{Service: "inventory-svc", Err: fmt.Errorf("HTTP %d: %s", res.StatusCode, p.Detail)}
	}
}

// Release cancels a reservation (the compensation when invoicing fails).
// A 503 means inventory-svc did nothing (full: HTTP_MAX_IN_FLIGHT reached, or
// failing on purpose), and releasing is idempotent, so Release tries again
// until ctx ends: held stock is worse than a late release. The caller bounds
// ctx.
func (c *Inventory) Release(ctx context.Context, reservationID string) error {
	delay := releaseRetryMin
	for {
		again, err := c.release(ctx, reservationID)
		if !again {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		delay = min(2*delay, releaseRetryMax)
	}
}

// The release retries start fast (a slot frees as soon as one request ends)
// and back off to inventory's Retry-After.
const (
	releaseRetryMin = 20 * time.Millisecond
	releaseRetryMax = time.Second
)

// release makes one attempt; again says whether another may succeed.
func (c *Inventory) release(ctx context.Context, reservationID string) (again bool, err error) {
	res, err := do(ctx, c.HTTP, http.MethodDelete, c.BaseURL+"/reservations/"+reservationID, nil)
	if err != nil {
		return false, &placing.UnavailableError{Service: "inventory-svc", Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		p := readProblem(res)
		return res.StatusCode == http.StatusServiceUnavailable,
			&placing.UnavailableError{Service: "inventory-svc", Err: fmt.Errorf("release %s: HTTP %d: %s", reservationID, res.StatusCode, p.Detail)}
	}
	return false, nil
}

// Ping checks inventory-svc's liveness (for order-svc's readiness in sync mode).
func (c *Inventory) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, "inventory-svc")
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
