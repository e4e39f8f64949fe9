package downstream

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/orderflow/platform/retry"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/downstream/client"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// Invoicing is the REST client of invoicing-svc.
type Invoicing struct {
	BaseURL string
	HTTP    *http.Client
}

// Issue asks invoicing to issue the order's invoice (idempotent per order).
func (c *Invoicing) Issue(ctx context.Context, orderID, customerID string, items []order.Line) (string, int64, error) {
	api, err := newAPI(c.BaseURL, c.HTTP)
	if err != nil {
		return "", 0, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: err}
	}
	res, err := api.IssueInvoiceWithResponse(ctx, client.IssueInvoiceRequest{OrderID: orderID, CustomerID: customerID, Items: toLines(items)})
	if err != nil {
		return "", 0, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: err, Unsent: unsent(err)}
	}
	inv := res.JSON201
	if inv == nil {
		inv = res.JSON200 // a retried call: the invoice issued the first time
	}
	if res.StatusCode() == http.StatusPaymentRequired {
		return "", 0, declined(res.Body)
	}
	if inv == nil { // a 503 is answered before the request is handled: nothing was charged
		return "", 0, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: unexpected(res.HTTPResponse, res.Body),
			Unsent: res.StatusCode() == http.StatusServiceUnavailable}
	}
	return inv.InvoiceID, inv.TotalCents, nil
}

// declined is the DeclinedError of a 402 payment-declined problem.
func declined(body []byte) error {
	var p client.Problem
	if json.Unmarshal(body, &p) != nil || p.Detail == "" {
		return &placing.DeclinedError{Detail: "invoicing-svc answered 402 without a detail"}
	}
	return &placing.DeclinedError{Detail: p.Detail}
}

// Void voids an issued invoice and gives the credit back (the compensation
// of a cancelled order): POST /invoices/{id}/void, idempotent. Like
// Inventory.Release it tries again on 503 until ctx ends: a charge that
// stays is worse than a late void. The caller bounds ctx.
func (c *Invoicing) Void(ctx context.Context, invoiceID string) error {
	for attempt := 1; ; attempt++ {
		again, err := c.void(ctx, invoiceID)
		if !again || !retry.Sleep(ctx, releaseBackoff.Delay(attempt)) {
			return err
		}
	}
}

// void makes one attempt; again says whether another may succeed. The
// operation is not in the generated client yet (invoicing-svc's part of
// docs/openapi.yaml), so the call is made by hand.
func (c *Invoicing) void(ctx context.Context, invoiceID string) (again bool, err error) {
	res, err := do(ctx, patient(c.HTTP), http.MethodPost, c.BaseURL+"/invoices/"+url.PathEscape(invoiceID)+"/void", nil)
	if err != nil {
		return false, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: fmt.Errorf("void %s: %w", invoiceID, err)}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode == http.StatusOK {
		return false, nil
	}
	return res.StatusCode == http.StatusServiceUnavailable,
		&placing.UnavailableError{Service: topology.InvoicingSvc, Err: fmt.Errorf("void %s: %w", invoiceID, unexpected(res, body))}
}

// Ping checks invoicing-svc's liveness.
func (c *Invoicing) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, topology.InvoicingSvc)
}
