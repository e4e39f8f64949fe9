package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// The ledger reads: what each service holds, paged, for the ledger check
// (flowctl audit). A page's next is the after of the page that follows, ""
// when none may follow.
type (
	// Reservation is one of inventory-svc's reservation rows.
	Reservation = oapi.Reservation
	// LedgerLine is one SKU's stock beside what its records say it must be.
	LedgerLine = oapi.StockLedgerLine
	// Credit is a customer's credit at invoicing-svc.
	Credit = oapi.Credit
)

// Page is one page of every order in placement order: after "" is the
// first. New orders come last, so following next visits every order placed
// before the first page once.
func (o *Orders) Page(ctx context.Context, after string, limit int) (orders []Order, next string, err error) {
	res, err := o.c.api.ListOrdersWithResponse(ctx, &oapi.ListOrdersParams{After: &after, Limit: &limit})
	path := "/orders?after=" + url.QueryEscape(after) + "&limit=" + strconv.Itoa(limit)
	if err := checked(http.MethodGet, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, "", err
	}
	return res.JSON200.Orders, res.JSON200.NextAfter, nil
}

// Reservations is one page of every reservation, by id; after "" is the
// first.
func (i *Inventory) Reservations(ctx context.Context, after string, limit int) (rs []Reservation, next string, err error) {
	p := &oapi.ListReservationsParams{Limit: &limit}
	if after != "" {
		p.After = &after
	}
	res, err := i.c.api.ListReservationsWithResponse(ctx, p)
	path := "/reservations?after=" + url.QueryEscape(after) + "&limit=" + strconv.Itoa(limit)
	if err := checked(http.MethodGet, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, "", err
	}
	return res.JSON200.Reservations, res.JSON200.NextAfter, nil
}

// Ledger is every SKU's stock beside its movements and held reservations,
// read in one snapshot.
func (i *Inventory) Ledger(ctx context.Context) ([]LedgerLine, error) {
	res, err := i.c.api.GetStockLedgerWithResponse(ctx)
	if err := checked(http.MethodGet, "/stock/ledger", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, err
	}
	return res.JSON200.Items, nil
}

// Invoices is one page of every invoice, newest first; after "" is the
// first.
func (i *Invoicing) Invoices(ctx context.Context, after string, limit int) (invs []Invoice, next string, err error) {
	p := &oapi.ListInvoicesParams{Limit: &limit}
	if after != "" {
		p.After = &after
	}
	res, err := i.c.api.ListInvoicesWithResponse(ctx, p)
	path := "/invoices?after=" + url.QueryEscape(after) + "&limit=" + strconv.Itoa(limit)
	if err := checked(http.MethodGet, path, err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, "", err
	}
	return res.JSON200.Invoices, res.JSON200.NextAfter, nil
}

// Credit is a customer's credit: its limit, what is charged and what remains.
func (i *Invoicing) Credit(ctx context.Context, customer string) (Credit, error) {
	res, err := i.c.api.GetCreditWithResponse(ctx, customer)
	if err := checked(http.MethodGet, "/customers/"+url.PathEscape(customer)+"/credit", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Credit{}, err
	}
	return *res.JSON200, nil
}
