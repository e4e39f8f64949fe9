// Package stock is inventory-svc's domain: stock levels, reservations and the
// rule that decides whether an order can be reserved. No I/O here.
package stock

import (
	"fmt"
	"time"

	"github.com/orderflow/platform/events"
)

// Line is one SKU and quantity.
type Line = events.Line

// Item is the stock of one SKU.
type Item struct {
	SKU      string
	Name     string
	OnHand   int
	Reserved int
}

// Available is what can still be reserved.
func (i Item) Available() int { return i.OnHand - i.Reserved }

// Reservation statuses. Only RESERVED holds stock; REJECTED and CANCELLED
// rows (events mode) remember an order that was refused or cancelled before
// anything was reserved for it.
const (
	StatusReserved  = "RESERVED"
	StatusReleased  = "RELEASED"
	StatusRejected  = "REJECTED"
	StatusCancelled = "CANCELLED"
)

// Reservation is inventory-svc's one row per order.
type Reservation struct {
	ID         string
	OrderID    string
	Lines      []Line
	Status     string
	CreatedAt  time.Time
	ReleasedAt time.Time
	// Reason says why a reservation is RELEASED, REJECTED or CANCELLED
	// (empty for a sync release and for rows from before it was recorded);
	// Detail is a declined payment's reason.
	Reason string
	Detail string
}

// InsufficientError says which line cannot be served.
type InsufficientError struct {
	SKU       string
	Requested int
	Available int
	Unknown   bool
}

func (e *InsufficientError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("SKU %s is not stocked", e.SKU)
	}
	return fmt.Sprintf("SKU %s: %d requested, %d available", e.SKU, e.Requested, e.Available)
}

// Seed is the catalogue a new database starts with: a few plentiful SKUs, one
// scarce and one sold out, so the demo can show both outcomes.
var Seed = []Item{
	{SKU: "SKU-001", Name: "Espresso beans 1 kg", OnHand: 100000},
	{SKU: "SKU-002", Name: "Milk frother", OnHand: 20000},
	{SKU: "SKU-003", Name: "Ceramic cup", OnHand: 50000},
	{SKU: "SKU-004", Name: "Burr grinder", OnHand: 5000},
	{SKU: "SKU-005", Name: "Limited edition kettle", OnHand: 3},
	{SKU: "SKU-404", Name: "Discontinued tamper", OnHand: 0},
}

// Movement kinds: a receipt only adds; an adjustment corrects either way.
const (
	KindReceipt    = "receipt"
	KindAdjustment = "adjustment"
)

// Movement is one booked change of a SKU's on_hand.
type Movement struct {
	ID          string
	SKU         string
	Kind        string
	Delta       int    // a receipt's quantity, or an adjustment's signed change
	Reference   string // the caller's idempotency key; "" for none
	Reason      string // adjustments only
	OnHandAfter int
	CreatedAt   time.Time
}

// RemovalError refuses an adjustment that would take on_hand below what is
// reserved: that stock is promised to orders, and the reservation would
// become a promise the warehouse cannot keep.
type RemovalError struct {
	SKU      string
	Delta    int
	OnHand   int
	Reserved int
}

// MaxRemovable is the most an adjustment may take away now.
func (e *RemovalError) MaxRemovable() int { return max(e.OnHand-e.Reserved, 0) }

func (e *RemovalError) Error() string {
	return fmt.Sprintf("SKU %s: cannot remove %d: on_hand %d with %d reserved, at most %d can be removed",
		e.SKU, -e.Delta, e.OnHand, e.Reserved, e.MaxRemovable())
}

// LedgerLine is one SKU's stock beside what its records say it must be:
// on_hand = Opening + Movements (receipts and adjustments), reserved = Held
// (the lines of its RESERVED reservations).
type LedgerLine struct {
	SKU       string
	OnHand    int
	Reserved  int
	Opening   int // on_hand before any movement (the seed)
	Movements int // the sum of the SKU's receipts and adjustments
	Held      int
}

// OnHandFromMovements is what on_hand must equal.
func (l LedgerLine) OnHandFromMovements() int { return l.Opening + l.Movements }

// Agrees says whether the stock is what its records say.
func (l LedgerLine) Agrees() bool { return l.OnHand == l.OnHandFromMovements() && l.Reserved == l.Held }
