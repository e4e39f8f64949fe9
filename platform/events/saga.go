package events

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// The saga's event types: what undoes an order that will not complete.
const (
	TypeOrderCancelled  = "OrderCancelled"
	TypePaymentDeclined = "PaymentDeclined"
	TypeStockReleased   = "StockReleased"
	TypeInvoiceVoided   = "InvoiceVoided"
)

// Why an order was cancelled, or its stock released.
const (
	ReasonDeadline        = "deadline"         // not final within ORDER_DEADLINE
	ReasonCustomer        = "customer"         // POST /orders/{id}/cancel
	ReasonUnknownOrder    = "unknown_order"    // a step for an order order-svc never had
	ReasonPaymentDeclined = "payment_declined" // invoicing-svc declined the charge
)

// CancelReasons are the reasons an OrderCancelled may carry.
var CancelReasons = []string{ReasonDeadline, ReasonCustomer, ReasonUnknownOrder}

// ReleaseReasons are the reasons a StockReleased may carry: a cancellation's,
// a declined payment or a suspected fraud (FRAUD_CHECK=on).
var ReleaseReasons = append(append([]string{}, CancelReasons...), ReasonPaymentDeclined, ReasonFraudSuspected)

// MaxDetailLen bounds the free text of a decline or release.
const MaxDetailLen = 500

// OrderCancelled: order-svc gave an order up — its deadline passed, the
// customer cancelled, or a step arrived for an order it never had
// (orders.v1, after the order's OrderPlaced on the same partition).
type OrderCancelled struct {
	OrderID     string    `json:"order_id"`
	CustomerID  string    `json:"customer_id,omitempty"` // unknown_order: the reservation's customer, empty when the invoice came first
	Reason      string    `json:"reason"`
	CancelledAt time.Time `json:"cancelled_at"`
}

// PaymentDeclined: invoicing-svc could not charge the customer for a
// reserved order (invoicing.v1); inventory-svc releases the reservation.
type PaymentDeclined struct {
	OrderID       string `json:"order_id"`
	CustomerID    string `json:"customer_id"`
	ReservationID string `json:"reservation_id"`
	Reason        string `json:"reason"`
	AmountCents   int64  `json:"amount_cents"`
	Currency      string `json:"currency"`
}

// StockReleased: inventory-svc gave an order's reserved stock back
// (inventory.v1) because the payment was declined or the order cancelled.
type StockReleased struct {
	OrderID       string `json:"order_id"`
	ReservationID string `json:"reservation_id"`
	Items         []Line `json:"items"`
	Reason        string `json:"reason"`
	Detail        string `json:"detail,omitempty"` // the decline's reason, for the order's FAILED reason
}

// InvoiceVoided: invoicing-svc voided an issued invoice of a cancelled order
// and gave the credit back (invoicing.v1).
type InvoiceVoided struct {
	OrderID       string `json:"order_id"`
	InvoiceID     string `json:"invoice_id"`
	Reason        string `json:"reason"`
	RefundedCents int64  `json:"refunded_cents"`
	Currency      string `json:"currency"`
}

func (OrderCancelled) EventType() string  { return TypeOrderCancelled }
func (PaymentDeclined) EventType() string { return TypePaymentDeclined }
func (StockReleased) EventType() string   { return TypeStockReleased }
func (InvoiceVoided) EventType() string   { return TypeInvoiceVoided }

func (p OrderCancelled) key() string  { return p.OrderID }
func (p PaymentDeclined) key() string { return p.OrderID }
func (p StockReleased) key() string   { return p.OrderID }
func (p InvoiceVoided) key() string   { return p.OrderID }

func (p OrderCancelled) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.CancelledAt.IsZero():
		return errors.New("cancelled_at is missing")
	}
	return oneOf("reason", p.Reason, CancelReasons)
}

func (p PaymentDeclined) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case ValidateCustomerID(p.CustomerID) != nil:
		return ValidateCustomerID(p.CustomerID)
	case p.ReservationID == "":
		return errors.New("reservation_id is missing")
	case p.Reason == "":
		return errors.New("reason is missing")
	case len(p.Reason) > MaxDetailLen:
		return fmt.Errorf("reason is longer than %d bytes", MaxDetailLen)
	case p.AmountCents < 0:
		return errors.New("amount_cents is negative")
	case len(p.Currency) != 3:
		return errors.New("currency must be a 3-letter ISO code")
	}
	return nil
}

func (p StockReleased) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.ReservationID == "":
		return errors.New("reservation_id is missing")
	case len(p.Detail) > MaxDetailLen:
		return fmt.Errorf("detail is longer than %d bytes", MaxDetailLen)
	}
	if err := oneOf("reason", p.Reason, ReleaseReasons); err != nil {
		return err
	}
	return ValidateLines(p.Items)
}

func (p InvoiceVoided) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.InvoiceID == "":
		return errors.New("invoice_id is missing")
	case p.RefundedCents < 0:
		return errors.New("refunded_cents is negative")
	case len(p.Currency) != 3:
		return errors.New("currency must be a 3-letter ISO code")
	}
	return oneOf("reason", p.Reason, CancelReasons)
}

func oneOf(field, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	if v == "" {
		return fmt.Errorf("%s is missing", field)
	}
	return fmt.Errorf("%s %q is not one of %v", field, v, allowed)
}
