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

// Recheck repeats POST /invoices for an order whose first call failed
// ambiguously (its answer lost to a timeout, a reset, a 5xx): the call is
// idempotent per order, so the answer says what the first one did — or, if
// it never arrived, charges now (the caller voids it). It returns the id of
// the order's ISSUED invoice, or "" when nothing is charged (402 declined,
// 409 voided or cancelled). Like the compensations it is bounded by ctx,
// not by the per-call timeout, and tries again on 503 (nothing done).
func (c *Invoicing) Recheck(ctx context.Context, orderID, customerID string, items []order.Line) (string, error) {
	for attempt := 1; ; attempt++ {
		id, again, err := c.recheck(ctx, orderID, customerID, items)
		if !again || !retry.Sleep(ctx, releaseBackoff.Delay(attempt)) {
			return id, err
		}
	}
}

// recheck makes one attempt; again says whether another may succeed.
func (c *Invoicing) recheck(ctx context.Context, orderID, customerID string, items []order.Line) (id string, again bool, err error) {
	api, err := newAPI(c.BaseURL, patient(c.HTTP))
	if err != nil {
		return "", false, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: err}
	}
	res, err := api.IssueInvoiceWithResponse(ctx, client.IssueInvoiceRequest{OrderID: orderID, CustomerID: customerID, Items: toLines(items)})
	if err != nil {
		return "", false, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: fmt.Errorf("recheck the invoice of %s: %w", orderID, err)}
	}
	switch {
	case res.JSON200 != nil: // what the first call issued
		return res.JSON200.InvoiceID, false, nil
	case res.JSON201 != nil: // the first call never arrived
		return res.JSON201.InvoiceID, false, nil
	case res.StatusCode() == http.StatusPaymentRequired, res.StatusCode() == http.StatusConflict:
		return "", false, nil
	}
	return "", res.StatusCode() == http.StatusServiceUnavailable, &placing.UnavailableError{Service: topology.InvoicingSvc,
		Err: fmt.Errorf("recheck the invoice of %s: %w", orderID, unexpected(res.HTTPResponse, res.Body))}
}
