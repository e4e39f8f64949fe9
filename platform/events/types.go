package events

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Topics (without the optional prefix). Key = order id for the order flow's
// events, so one order's events on one topic stay in order on one partition;
// stock movements on inventory.v1 are keyed by SKU instead (see keyKind).
const (
	TopicOrders    = "orders.v1"
	TopicInventory = "inventory.v1"
	TopicInvoicing = "invoicing.v1"
)

// DLQ is the dead-letter topic of topic.
func DLQ(topic string) string { return topic + ".dlq" }

// Event type names, also carried in the event-type header.
const (
	TypeOrderPlaced   = "OrderPlaced"
	TypeStockReserved = "StockReserved"
	TypeStockRejected = "StockRejected"
	TypeInvoiceIssued = "InvoiceIssued"
	TypeStockReceived = "StockReceived"
	TypeStockAdjusted = "StockAdjusted"
)

// Line is one SKU and quantity.
type Line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// SKUPattern is the shape of a stock keeping unit, shared by every service.
var SKUPattern = regexp.MustCompile(`^[A-Z0-9]{2,12}(-[A-Z0-9]{1,12}){0,3}$`)

// MaxQty is the largest quantity of one line.
const MaxQty = 1000

// ValidateLines checks lines as every service expects them.
func ValidateLines(lines []Line) error {
	if len(lines) == 0 {
		return errors.New("items is empty")
	}
	seen := map[string]bool{}
	for i, l := range lines {
		if !SKUPattern.MatchString(l.SKU) {
			return fmt.Errorf("items[%d].sku %q is malformed", i, l.SKU)
		}
		if l.Qty < 1 || l.Qty > MaxQty {
			return fmt.Errorf("items[%d].qty %d is outside 1..%d", i, l.Qty, MaxQty)
		}
		if seen[l.SKU] {
			return fmt.Errorf("items[%d].sku %q appears twice", i, l.SKU)
		}
		seen[l.SKU] = true
	}
	return nil
}

// OrderPlaced: order-svc accepted an order (orders.v1).
type OrderPlaced struct {
	OrderID    string    `json:"order_id"`
	CustomerID string    `json:"customer_id"`
	Items      []Line    `json:"items"`
	PlacedAt   time.Time `json:"placed_at"`
}

// StockReserved: inventory-svc reserved every line (inventory.v1).
type StockReserved struct {
	OrderID       string `json:"order_id"`
	ReservationID string `json:"reservation_id"`
	CustomerID    string `json:"customer_id"`
	Items         []Line `json:"items"`
}

// StockRejected: inventory-svc could not reserve the order (inventory.v1).
type StockRejected struct {
	OrderID string `json:"order_id"`
	Reason  string `json:"reason"`
	SKU     string `json:"sku,omitempty"`
}

// InvoiceIssued: invoicing-svc issued the order's invoice (invoicing.v1).
type InvoiceIssued struct {
	OrderID    string `json:"order_id"`
	InvoiceID  string `json:"invoice_id"`
	TotalCents int64  `json:"total_cents"`
	Currency   string `json:"currency"`
}

func (OrderPlaced) EventType() string   { return TypeOrderPlaced }
func (StockReserved) EventType() string { return TypeStockReserved }
func (StockRejected) EventType() string { return TypeStockRejected }
func (InvoiceIssued) EventType() string { return TypeInvoiceIssued }

func (p OrderPlaced) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case ValidateCustomerID(p.CustomerID) != nil:
		return ValidateCustomerID(p.CustomerID)
	case p.PlacedAt.IsZero():
		return errors.New("placed_at is missing")
	}
	return ValidateLines(p.Items)
}

func (p StockReserved) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.ReservationID == "":
		return errors.New("reservation_id is missing")
	}
	return ValidateLines(p.Items)
}

func (p StockRejected) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.Reason == "":
		return errors.New("reason is missing")
	}
	return nil
}

func (p InvoiceIssued) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.InvoiceID == "":
		return errors.New("invoice_id is missing")
	case p.TotalCents < 0:
		return errors.New("total_cents is negative")
	case len(p.Currency) != 3:
		return errors.New("currency must be a 3-letter ISO code")
	}
	return nil
}

// keyKind says which envelope member names an event's subject, which is
// also its message key.
type keyKind int

const (
	keyOrderID keyKind = iota // envelope order_id: the order flow's events
	keySKU                    // envelope sku: stock movements, which belong to no order
)

// eventType is what Decode needs to know about one event type.
type eventType struct {
	newPayload func() Payload
	key        keyKind
}

var registry = map[string]eventType{
	TypeOrderPlaced:   {func() Payload { return &OrderPlaced{} }, keyOrderID},
	TypeStockReserved: {func() Payload { return &StockReserved{} }, keyOrderID},
	TypeStockRejected: {func() Payload { return &StockRejected{} }, keyOrderID},
	TypeInvoiceIssued: {func() Payload { return &InvoiceIssued{} }, keyOrderID},
	TypeStockReceived: {func() Payload { return &StockReceived{} }, keySKU},
	TypeStockAdjusted: {func() Payload { return &StockAdjusted{} }, keySKU},

	TypeOrderCancelled:  {func() Payload { return &OrderCancelled{} }, keyOrderID},
	TypePaymentDeclined: {func() Payload { return &PaymentDeclined{} }, keyOrderID},
	TypeStockReleased:   {func() Payload { return &StockReleased{} }, keyOrderID},
	TypeInvoiceVoided:   {func() Payload { return &InvoiceVoided{} }, keyOrderID},

	TypeReserveStock: {func() Payload { return &ReserveStock{} }, keyOrderID},
	TypeReleaseStock: {func() Payload { return &ReleaseStock{} }, keyOrderID},
	TypeIssueInvoice: {func() Payload { return &IssueInvoice{} }, keyOrderID},
	TypeVoidInvoice:  {func() Payload { return &VoidInvoice{} }, keyOrderID},

	TypeCheckFraud:     {func() Payload { return &CheckFraud{} }, keyOrderID},
	TypeFraudCleared:   {func() Payload { return &FraudCleared{} }, keyOrderID},
	TypeFraudSuspected: {func() Payload { return &FraudSuspected{} }, keyOrderID},
}

// Types lists every event type Decode accepts, sorted (the contract test
// checks each is documented).
func Types() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// KeyName names the envelope member that holds an event type's subject and
// message key: "sku" for stock movements, "order_id" for the rest — and for
// an unknown type, since that is what every type meant before stock movements.
func KeyName(eventType string) string {
	if registry[eventType].key == keySKU {
		return "sku"
	}
	return "order_id"
}

// keyed is implemented (on values, so pointers have it too) by every payload
// type of the registry: the order id or SKU the envelope must repeat.
type keyed interface{ key() string }

func (p OrderPlaced) key() string   { return p.OrderID }
func (p StockReserved) key() string { return p.OrderID }
func (p StockRejected) key() string { return p.OrderID }
func (p InvoiceIssued) key() string { return p.OrderID }
func (p StockReceived) key() string { return p.SKU }
func (p StockAdjusted) key() string { return p.SKU }

func keyOf(p Payload) string {
	if k, ok := p.(keyed); ok {
		return k.key()
	}
	return ""
}
