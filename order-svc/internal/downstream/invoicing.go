package downstream

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Invoicing is the REST client of invoicing-svc.
type Invoicing struct {
	BaseURL string
	HTTP    *http.Client
}

// Invoice is what invoicing-svc answers.
type Invoice struct {
	InvoiceID  string `json:"invoice_id"`
	OrderID    string `json:"order_id"`
	TotalCents int64  `json:"total_cents"`
	Currency   string `json:"currency"`
}

// Issue asks invoicing to issue the order's invoice (idempotent per order).
func (c *Invoicing) Issue(ctx context.Context, orderID, customerID string, items []order.Line) (string, int64, error) {
	body, _ := json.Marshal(map[string]any{"order_id": orderID, "customer_id": customerID, "items": items})
	var inv Invoice
	res, err := do(ctx, c.HTTP, http.MethodPost, c.BaseURL+"/invoices", body)
	if err != nil {
		return "", 0, &placing.UnavailableError{Service: "invoicing-svc", Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		p := readProblem(res)
		return "", 0, &placing.UnavailableError{Service: "invoicing-svc", Err: fmt.Errorf("HTTP %d: %s", res.StatusCode, p.Detail)}
	}
	if err := json.NewDecoder(res.Body).Decode(&inv); err != nil {
		return "", 0, &placing.UnavailableError{Service: "invoicing-svc", Err: fmt.Errorf("decode invoice: %w", err)}
	}
	return inv.InvoiceID, inv.TotalCents, nil
}

// Ping checks invoicing-svc's liveness.
func (c *Invoicing) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, "invoicing-svc")
}
