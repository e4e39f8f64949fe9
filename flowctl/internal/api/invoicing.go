package api

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// InvoiceLine is one priced line of an invoice.
type InvoiceLine struct {
	SKU         string `json:"sku"`
	Qty         int    `json:"qty"`
	UnitCents   int64  `json:"unit_cents"`
	AmountCents int64  `json:"amount_cents"`
}

// Invoice is an invoice as invoicing-svc shows it.
type Invoice struct {
	ID         string        `json:"invoice_id"`
	OrderID    string        `json:"order_id"`
	CustomerID string        `json:"customer_id"`
	Lines      []InvoiceLine `json:"lines"`
	TotalCents int64         `json:"total_cents"`
	Currency   string        `json:"currency"`
	IssuedAt   time.Time     `json:"issued_at"`
}

// Totals is what invoicing-svc has invoiced so far.
type Totals struct {
	Count      int    `json:"count"`
	TotalCents int64  `json:"total_cents"`
	Currency   string `json:"currency"`
}

// Invoicing is a client of invoicing-svc.
type Invoicing struct{ c client }

// NewInvoicing returns a client of the invoicing-svc at base.
func NewInvoicing(base string, hc *http.Client) *Invoicing { return &Invoicing{newClient(base, hc)} }

// ByOrder returns the invoice of an order, if one was issued.
func (i *Invoicing) ByOrder(ctx context.Context, orderID string) (Invoice, bool, error) {
	var out struct {
		Invoices []Invoice `json:"invoices"`
	}
	if _, err := i.c.do(ctx, http.MethodGet, "/invoices?order_id="+url.QueryEscape(orderID), nil, &out); err != nil {
		return Invoice{}, false, err
	}
	if len(out.Invoices) == 0 {
		return Invoice{}, false, nil
	}
	return out.Invoices[0], true, nil
}

// Totals returns the count and sum of all invoices.
func (i *Invoicing) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	_, err := i.c.do(ctx, http.MethodGet, "/invoices/totals", nil, &t)
	return t, err
}
