package downstream

import (
	"context"
	"net/http"

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
		return "", 0, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: err}
	}
	inv := res.JSON201
	if inv == nil {
		inv = res.JSON200 // a retried call: the invoice issued the first time
	}
	if inv == nil {
		return "", 0, &placing.UnavailableError{Service: topology.InvoicingSvc, Err: unexpected(res.HTTPResponse, res.Body)}
	}
	return inv.InvoiceID, inv.TotalCents, nil
}

// Ping checks invoicing-svc's liveness.
func (c *Invoicing) Ping(ctx context.Context) error {
	return ping(ctx, c.HTTP, c.BaseURL, topology.InvoicingSvc)
}
