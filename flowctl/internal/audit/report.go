package audit

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/termsafe"
)

// Kind names what a breach breaks, one per rule the check applies.
type Kind string

// The rules. Each names the order, SKU or customer at fault.
const (
	// ConfirmedNotHeld: a CONFIRMED order without exactly one held
	// (RESERVED) reservation.
	ConfirmedNotHeld Kind = "confirmed_not_held"
	// ConfirmedNotCharged: a CONFIRMED order without exactly one ISSUED
	// invoice.
	ConfirmedNotCharged Kind = "confirmed_not_charged"
	// EndedStillHeld: a REJECTED, FAILED or CANCELLED order whose
	// reservation still holds stock.
	EndedStillHeld Kind = "ended_still_held"
	// EndedStillCharged: a REJECTED, FAILED or CANCELLED order with an
	// ISSUED invoice.
	EndedStillCharged Kind = "ended_still_charged"
	// CreditNotRestored: a customer's charged credit is not the sum of its
	// ISSUED invoices.
	CreditNotRestored Kind = "credit_not_restored"
	// StockOnHand: a SKU's on_hand is not what its movements add up to.
	StockOnHand Kind = "stock_on_hand"
	// StockReserved: a SKU's reserved is not the units its held
	// reservations hold.
	StockReserved Kind = "stock_reserved"
	// PastDeadline: an order not final, older than the deadline.
	PastDeadline Kind = "past_deadline"
	// UnknownOrderHeld: a held reservation for an order order-svc does not
	// have.
	UnknownOrderHeld Kind = "unknown_order_held"
	// UnknownOrderCharged: an ISSUED invoice for an order order-svc does
	// not have.
	UnknownOrderCharged Kind = "unknown_order_charged"
)

// Kinds are every rule, in the order a report lists its breaches.
var Kinds = []Kind{ConfirmedNotHeld, ConfirmedNotCharged, EndedStillHeld, EndedStillCharged, PastDeadline,
	UnknownOrderHeld, UnknownOrderCharged, CreditNotRestored, StockOnHand, StockReserved}

// Breach is one thing the services disagree on.
type Breach struct {
	Kind Kind `json:"kind"`
	// OrderID, SKU or Customer: whose it is.
	OrderID  string `json:"order_id,omitempty"`
	SKU      string `json:"sku,omitempty"`
	Customer string `json:"customer,omitempty"`
	// What is wrong, in words.
	What string `json:"what"`
}

// String is the breach as a line: whose, then what.
func (b Breach) String() string {
	switch {
	case b.OrderID != "":
		return "order " + b.OrderID + ": " + b.What
	case b.SKU != "":
		return "SKU " + b.SKU + ": " + b.What
	default:
		return "customer " + b.Customer + ": " + b.What
	}
}

// Counts are what a check read and judged.
type Counts struct {
	// Orders are every order order-svc has, by status as last read.
	Orders   int            `json:"orders"`
	ByStatus map[string]int `json:"orders_by_status"`
	// Judged are the orders that were final when the check began: the ones
	// held against the other services.
	Judged       int `json:"judged"`
	Reservations int `json:"reservations"`
	Invoices     int `json:"invoices"`
	Customers    int `json:"customers"`
	SKUs         int `json:"skus"`
}

// Report is one stack's ledger check.
type Report struct {
	Mode    string `json:"mode"`
	Checked Counts `json:"checked"`
	// Deadline says how long an order may stay not final and where that
	// comes from ("ORDER_DEADLINE 30s").
	Deadline string `json:"deadline"`
	// InFlight are orders not final when the check began and younger than
	// the deadline: not judged.
	InFlight int      `json:"in_flight"`
	Breaches []Breach `json:"breaches"`
	// Rounds is how many checks ran (more than one while settling) and
	// TookMS how long they took together.
	Rounds int     `json:"rounds"`
	TookMS float64 `json:"took_ms"`
}

// OK says whether the ledger agrees.
func (r Report) OK() bool { return len(r.Breaches) == 0 }

// Summary is one line of what was checked, after the mode: "sync: checked
// 120 orders (100 CONFIRMED, 20 REJECTED), …; 2 in flight (deadline …)".
func (r Report) Summary() string { return r.Mode + ": " + r.Checks() }

// Checks is what was checked, in words: the counts, the orders in flight
// and the deadline.
func (r Report) Checks() string {
	c := r.Checked
	statuses := make([]string, 0, len(c.ByStatus))
	for _, s := range slices.Sorted(maps.Keys(c.ByStatus)) {
		statuses = append(statuses, fmt.Sprintf("%d %s", c.ByStatus[s], s))
	}
	by := ""
	if len(statuses) > 0 {
		by = " (" + strings.Join(statuses, ", ") + ")"
	}
	return fmt.Sprintf("checked %d orders%s, %d final ones across the services; %d reservations, %d invoices, %d customers' credit, %d SKUs; %d in flight (deadline %s)",
		c.Orders, by, c.Judged, c.Reservations, c.Invoices, c.Customers, c.SKUs, r.InFlight, r.Deadline)
}

// Brief is what was checked, counts only: "120 orders, 104 of them final
// and held against the services, 2 in flight; 110 reservations, …". It
// names no status, so a line of it never reads like an order's outcome.
func (r Report) Brief() string {
	c := r.Checked
	return fmt.Sprintf("%d orders, %d of them final and held against the services, %d in flight (deadline %s); %d reservations, %d invoices, %d customers' credit, %d SKUs",
		c.Orders, c.Judged, r.InFlight, r.Deadline, c.Reservations, c.Invoices, c.Customers, c.SKUs)
}

// Verdict is one line: the ledger agrees, or how many breaches and the
// first; with how long settling took when it took more than one check.
func (r Report) Verdict() string {
	took := ""
	if r.Rounds > 1 {
		took = fmt.Sprintf(" (after %d checks in %.1f s)", r.Rounds, r.TookMS/1000)
	}
	if r.OK() {
		return fmt.Sprintf("%s: the ledger agrees%s", r.Mode, took)
	}
	return fmt.Sprintf("%s: %d ledger breach(es)%s, first: %s", r.Mode, len(r.Breaches), took, r.Breaches[0])
}

// Lines are every breach as a line, in Kinds' order.
func (r Report) Lines() []string {
	out := make([]string, len(r.Breaches))
	for i, b := range r.Breaches {
		out[i] = b.String()
	}
	return out
}

// Write writes the verdict and what was checked on one line, then every
// breach indented: how load and bench end.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "%s — %s\n", termsafe.String(r.Verdict()), r.Checks())
	for _, l := range r.Lines() {
		// A breach names customers and SKUs the services were sent.
		fmt.Fprintln(w, "  "+termsafe.String(l))
	}
}

// sortBreaches orders breaches by kind (Kinds' order), then by whose.
func sortBreaches(bs []Breach) {
	rank := func(k Kind) int { return slices.Index(Kinds, k) }
	slices.SortStableFunc(bs, func(a, b Breach) int {
		if d := rank(a.Kind) - rank(b.Kind); d != 0 {
			return d
		}
		return strings.Compare(a.OrderID+a.SKU+a.Customer, b.OrderID+b.SKU+b.Customer)
	})
}
