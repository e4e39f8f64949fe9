package api

import (
	"context"
	"net/http"
	"net/url"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// StockItem is the stock of one SKU (inventory-svc GET /stock).
type StockItem = oapi.StockItem

// Inventory is a client of inventory-svc.
type Inventory struct{ c client }

// NewInventory returns a client of the inventory-svc at base.
func NewInventory(base string, hc *http.Client) *Inventory { return &Inventory{newClient(base, hc)} }

// Stock lists every SKU's stock, ordered by SKU.
func (i *Inventory) Stock(ctx context.Context) ([]StockItem, error) {
	res, err := i.c.api.ListStockWithResponse(ctx)
	if err := checked(http.MethodGet, "/stock", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return nil, err
	}
	return res.JSON200.Items, nil
}

// StockOf is one SKU's stock.
func (i *Inventory) StockOf(ctx context.Context, sku string) (StockItem, error) {
	res, err := i.c.api.GetStockWithResponse(ctx, sku)
	if err := checked(http.MethodGet, "/stock/"+url.PathEscape(sku), err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return StockItem{}, err
	}
	return *res.JSON200, nil
}

// Movement is a goods receipt or a stock adjustment as inventory-svc answers
// it (oapi.Receipt, oapi.Adjustment), with the SKU's stock after it: the
// part flowctl reads of either.
type Movement struct {
	ID        string
	SKU       string
	Reference string
	Stock     StockItem
}

// Receive books a goods receipt of qty units of sku (POST
// /stock/{sku}/receipts). The same reference again changes nothing.
func (i *Inventory) Receive(ctx context.Context, sku string, qty int, reference string) (Movement, error) {
	res, err := i.c.api.ReceiveStockWithResponse(ctx, sku, oapi.ReceiptRequest{Quantity: qty, Reference: reference})
	if err := checked(http.MethodPost, "/stock/"+url.PathEscape(sku)+"/receipts", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Movement{}, err
	}
	r := res.JSON201
	if r == nil {
		r = res.JSON200 // the reference was booked before
	}
	return Movement{ID: r.ID, SKU: r.SKU, Reference: r.Reference, Stock: r.Stock}, nil
}

// Adjust corrects sku's stock by delta units, e.g. a write-off (POST
// /stock/{sku}/adjustments). It never takes away reserved units.
func (i *Inventory) Adjust(ctx context.Context, sku string, delta int, reason, reference string) (Movement, error) {
	res, err := i.c.api.AdjustStockWithResponse(ctx, sku, oapi.AdjustmentRequest{Delta: delta, Reason: reason, Reference: reference})
	if err := checked(http.MethodPost, "/stock/"+url.PathEscape(sku)+"/adjustments", err, func() (*http.Response, []byte) { return res.HTTPResponse, res.Body }); err != nil {
		return Movement{}, err
	}
	a := res.JSON201
	if a == nil {
		a = res.JSON200 // the reference was booked before
	}
	return Movement{ID: a.ID, SKU: a.SKU, Reference: a.Reference, Stock: a.Stock}, nil
}
