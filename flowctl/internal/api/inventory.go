package api

import (
	"context"
	"net/http"
	"net/url"
)

// StockItem is the stock of one SKU (inventory-svc GET /stock).
type StockItem struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	OnHand    int    `json:"on_hand"`
	Reserved  int    `json:"reserved"`
	Available int    `json:"available"`
}

// Inventory is a client of inventory-svc.
type Inventory struct{ c client }

// NewInventory returns a client of the inventory-svc at base.
func NewInventory(base string, hc *http.Client) *Inventory { return &Inventory{newClient(base, hc)} }

// Stock lists every SKU's stock, ordered by SKU.
func (i *Inventory) Stock(ctx context.Context) ([]StockItem, error) {
	var out struct {
		Items []StockItem `json:"items"`
	}
	if _, err := i.c.do(ctx, http.MethodGet, "/stock", nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// StockOf is one SKU's stock.
func (i *Inventory) StockOf(ctx context.Context, sku string) (StockItem, error) {
	var it StockItem
	_, err := i.c.do(ctx, http.MethodGet, "/stock/"+url.PathEscape(sku), nil, &it)
	return it, err
}

// Movement is a goods receipt or a stock adjustment as inventory-svc answers
// it, with the SKU's stock after it.
type Movement struct {
	ID        string    `json:"id"`
	SKU       string    `json:"sku"`
	Reference string    `json:"reference,omitempty"`
	Stock     StockItem `json:"stock"`
}

// Receive books a goods receipt of qty units of sku (POST
// /stock/{sku}/receipts). The same reference again changes nothing.
func (i *Inventory) Receive(ctx context.Context, sku string, qty int, reference string) (Movement, error) {
	var m Movement
	body := map[string]any{"quantity": qty, "reference": reference}
	_, err := i.c.do(ctx, http.MethodPost, "/stock/"+url.PathEscape(sku)+"/receipts", body, &m)
	return m, err
}

// Adjust corrects sku's stock by delta units, e.g. a write-off (POST
// /stock/{sku}/adjustments). It never takes away reserved units.
func (i *Inventory) Adjust(ctx context.Context, sku string, delta int, reason, reference string) (Movement, error) {
	var m Movement
	body := map[string]any{"delta": delta, "reason": reason, "reference": reference}
	_, err := i.c.do(ctx, http.MethodPost, "/stock/"+url.PathEscape(sku)+"/adjustments", body, &m)
	return m, err
}
