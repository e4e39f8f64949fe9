// Package invoice is invoicing-svc's domain: the price list, how an invoice
// is computed from an order's lines, the customer's credit a charge must fit
// in (credit.go), and what each saga message does to an order's invoice
// (saga.go). No I/O here.
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

// Status is where an invoice stands. Only an ISSUED invoice is charged to
// the customer's credit.
type Status string

const (
	// Issued: charged to the customer's credit.
	Issued Status = "ISSUED"
	// Declined: the charge was refused (over the credit, or the payment
	// provider said no); nothing is charged. Kept so a redelivery or a
	// retried call gets the same answer instead of a second attempt.
	Declined Status = "DECLINED"
	// Voided: was issued, then the order was cancelled; the credit is back.
	Voided Status = "VOIDED"
)

// Statuses are every status, in the order the API documents them.
var Statuses = []Status{Issued, Voided, Declined}

// Invoice is charged (or declined) once per order.
type Invoice struct {
	ID         string
	OrderID    string
	CustomerID string
	Lines      []Line
	TotalCents int64
	Currency   string
	// IssuedAt is when the charge was decided (issued or declined).
	IssuedAt time.Time
	Status   Status
	// Reason says why a DECLINED invoice was declined, or why a VOIDED one
	// was voided (the cancellation's reason); empty while ISSUED.
	Reason   string
	VoidedAt time.Time
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
