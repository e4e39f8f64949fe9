// Package invoice is invoicing-svc's domain: the price list and how an invoice
// is computed from an order's lines. No I/O here.
package invoice

import (
	"fmt"
	"time"

	"github.com/orderflow/platform/events"
)

// Currency of every invoice.
const Currency = "EUR"

// Prices in cents. Invoicing owns prices; inventory owns quantities.
var Prices = map[string]int64{
	"SKU-001": 1890,
	"SKU-002": 4900,
	"SKU-003": 1250,
	"SKU-004": 18900,
	"SKU-005": 9900,
	"SKU-404": 2500,
}

// Line is one priced invoice line.
type Line struct {
	SKU         string `json:"sku"`
	Qty         int    `json:"qty"`
	UnitCents   int64  `json:"unit_cents"`
	AmountCents int64  `json:"amount_cents"`
}

// Invoice is issued once per order.
type Invoice struct {
	ID         string
	OrderID    string
	CustomerID string
	Lines      []Line
	TotalCents int64
	Currency   string
	IssuedAt   time.Time
}

// NoPriceError: a SKU has no price, so no invoice can be issued.
type NoPriceError struct{ SKU string }

func (e *NoPriceError) Error() string { return fmt.Sprintf("no price for SKU %s", e.SKU) }

// Compute prices the lines of an order.
func Compute(id, orderID, customerID string, items []events.Line, at time.Time) (Invoice, error) {
	inv := Invoice{ID: id, OrderID: orderID, CustomerID: customerID, Currency: Currency, IssuedAt: at.UTC()}
	for _, it := range items {
		unit, ok := Prices[it.SKU]
		if !ok {
			return Invoice{}, &NoPriceError{SKU: it.SKU}
		}
		amount := unit * int64(it.Qty)
		inv.Lines = append(inv.Lines, Line{SKU: it.SKU, Qty: it.Qty, UnitCents: unit, AmountCents: amount})
		inv.TotalCents += amount
	}
	return inv, nil
}
