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
