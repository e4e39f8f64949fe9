// Package check is fraud-svc's domain: the rule that judges an order and the
// table that says what a check request does to an order's stored verdict.
// No I/O.
package check

import (
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/events"
)

// Verdict is the outcome of a check.
type Verdict string

const (
	// None: the order was never checked (no row).
	None Verdict = ""
	// Cleared: nothing against the order; the charge may follow.
	Cleared Verdict = "cleared"
	// Suspected: the order is refused; its reservation is released.
	Suspected Verdict = "suspected"
)

// Verdicts lists the table's rows.
var Verdicts = []Verdict{None, Cleared, Suspected}

// Flagged are the seeded customers every check suspects: the lesson's way
// to make one order fail the check without a large order.
var Flagged = []string{"cust-fraud"}

// Rule is the check: more units than LimitUnits (FRAUD_LIMIT_UNITS), or a
// flagged customer, is suspected.
type Rule struct{ LimitUnits int }

// Check is one order's verdict.
type Check struct {
	OrderID       string
	CustomerID    string
	ReservationID string
	Units         int
	Verdict       Verdict
	Reason        string // why suspected; empty when cleared
	CheckedAt     time.Time
}

// Judge checks an order.
func (r Rule) Judge(orderID, customerID, reservationID string, items []events.Line, at time.Time) Check {
	c := Check{OrderID: orderID, CustomerID: customerID, ReservationID: reservationID, CheckedAt: at, Verdict: Cleared}
	for _, l := range items {
		c.Units += l.Qty
	}
	switch {
	case slices.Contains(Flagged, customerID):
		c.Verdict, c.Reason = Suspected, fmt.Sprintf("customer %s is flagged", customerID)
	case c.Units > r.LimitUnits:
		c.Verdict, c.Reason = Suspected, fmt.Sprintf("%d units, over the limit of %d per order", c.Units, r.LimitUnits)
	}
	return c
}

// Action is what a check request does.
type Action int

const (
	// Record: store the new verdict and announce it.
	Record Action = iota
	// Keep: the order has a verdict; it stands, nothing is announced (a
	// redelivery or a retried call gets the first answer).
	Keep
)

// Decide is the table: the order's stored verdict × a check request → the
// action. One verdict per order, whatever a repeat's lines say.
func Decide(stored Verdict) (Action, error) {
	switch stored {
	case None:
		return Record, nil
	case Cleared, Suspected:
		return Keep, nil
	}
	return Keep, fmt.Errorf("verdict %q is not one of %q", stored, Verdicts)
}
