package api

import (
	"context"
	"net/http"
	"net/url"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

type (
	// InvoiceLine is one priced line of an invoice.
	InvoiceLine = oapi.InvoiceLine
	// Invoice is an invoice as invoicing-svc shows it.
	Invoice = oapi.Invoice
	// Totals is what invoicing-svc has invoiced so far.
	Totals = oapi.InvoiceTotals
)

// Invoicing is a client of invoicing-svc.
type Invoicing struct{ c client }

// NewInvoicing returns a client of the invoicing-svc at base.
func NewInvoicing(base string, hc *http.Client) *Invoicing { return &Invoicing{newClient(base, hc)} }

// ByOrder returns the invoice of an order, if one was issued.
func (i *Invoicing) ByOrder(ctx context.Context, orderID string) (Invoice, bool, error) {
	res, err := i.c.api.ListInvoicesWithResponse(ctx, &oapi.ListInvoicesParams{OrderID: &orderID})
	if err := checked(http.MethodGet, "/invoices?order_id="+url.QueryEscape(orderID), err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Invoice{}, false, err
	}
	if len(res.JSON200.Invoices) == 0 {
		return Invoice{}, false, nil
	}
	return res.JSON200.Invoices[0], true, nil
}

// Totals returns the count and sum of all invoices.
func (i *Invoicing) Totals(ctx context.Context) (Totals, error) {
	res, err := i.c.api.GetInvoiceTotalsWithResponse(ctx)
	if err := checked(http.MethodGet, "/invoices/totals", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Totals{}, err
	}
	return *res.JSON200, nil
}
