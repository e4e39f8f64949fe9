// Package order is order-svc's domain: an order, its status and the state
// machine that moves it. No I/O here.
package order

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/problem"
)

// Status of an order.
type Status string

const (
	Pending   Status = "PENDING"   // accepted, outcome not known yet (events mode)
	Reserved  Status = "RESERVED"  // stock reserved, invoice not issued yet
	Confirmed Status = "CONFIRMED" // stock reserved and invoice issued: final
	Rejected  Status = "REJECTED"  // out of stock: final
	Failed    Status = "FAILED"    // a dependency failed (sync mode): final
)

// Final reports whether no further change is expected.
func (s Status) Final() bool { return s == Confirmed || s == Rejected || s == Failed }

// Line is one SKU and quantity.
type Line = events.Line

// Draft is an order as a client asks for it.
type Draft struct {
	CustomerID string
	Items      []Line
}

// Limits of a draft.
const (
	MaxItems         = 50
	MaxCustomerIDLen = 64
)

// Validate reports every field at fault.
func (d Draft) Validate() []problem.FieldError {
	var errs []problem.FieldError
	cid := strings.TrimSpace(d.CustomerID)
	switch {
	case cid == "":
		errs = append(errs, problem.FieldError{Field: "customer_id", Detail: "is required"})
	case utf8.RuneCountInString(d.CustomerID) > MaxCustomerIDLen: // characters, as the spec's maxLength counts
		errs = append(errs, problem.FieldError{Field: "customer_id", Detail: fmt.Sprintf("at most %d characters", MaxCustomerIDLen)})
	}
	if len(d.Items) == 0 {
		errs = append(errs, problem.FieldError{Field: "items", Detail: "must contain at least one item"})
	}
	if len(d.Items) > MaxItems {
		errs = append(errs, problem.FieldError{Field: "items", Detail: fmt.Sprintf("at most %d items", MaxItems)})
	}
	seen := map[string]int{}
	for i, it := range d.Items {
		if !events.SKUPattern.MatchString(it.SKU) {
			errs = append(errs, problem.FieldError{Field: fmt.Sprintf("items[%d].sku", i), Detail: fmt.Sprintf("%q is not a SKU: use upper-case letters, digits and dashes, e.g. SKU-001", it.SKU)})
		} else if j, dup := seen[it.SKU]; dup {
			errs = append(errs, problem.FieldError{Field: fmt.Sprintf("items[%d].sku", i), Detail: fmt.Sprintf("%s already appears in items[%d]: put the total quantity on one line", it.SKU, j)})
		} else {
			seen[it.SKU] = i
		}
		if it.Qty < 1 || it.Qty > events.MaxQty {
			errs = append(errs, problem.FieldError{Field: fmt.Sprintf("items[%d].qty", i), Detail: fmt.Sprintf("%d is outside 1..%d", it.Qty, events.MaxQty)})
		}
	}
	return errs
}

// Order is the aggregate.
type Order struct {
	ID         string
	CustomerID string
	Items      []Line
	Status     Status
	Reason     string // why REJECTED or FAILED
	InvoiceID  string
	TotalCents int64
	TraceID    string // trace of the request that placed it
	PlacedAt   time.Time
	// Timeline: when each step happened (zero = not yet).
	ReservedAt  time.Time
	RejectedAt  time.Time
	InvoicedAt  time.Time
	ConfirmedAt time.Time
	FailedAt    time.Time
	UpdatedAt   time.Time
}

// New creates a PENDING order from a valid draft.
func New(id string, d Draft, traceID string, now time.Time) Order {
	now = now.UTC()
	return Order{ID: id, CustomerID: strings.TrimSpace(d.CustomerID), Items: d.Items, Status: Pending, TraceID: traceID, PlacedAt: now, UpdatedAt: now}
}

// ErrTransition is returned for a change the state machine does not allow.
var ErrTransition = errors.New("transition not allowed")

// MarkReserved records the reservation. Events for one order travel on
// different topics, so the invoice can arrive first: a CONFIRMED order keeps
// its status and only gains the timestamp.
func (o *Order) MarkReserved(at time.Time) error {
	switch o.Status {
	case Pending:
		o.Status = Reserved
	case Reserved, Confirmed:
	default:
		return fmt.Errorf("%w: reserve an order that is %s", ErrTransition, o.Status)
	}
	if o.ReservedAt.IsZero() {
		o.ReservedAt = at.UTC()
	}
	o.UpdatedAt = at.UTC()
	return nil
}

// MarkInvoiced records the invoice and confirms the order. An invoice implies
// the stock was reserved, so it is accepted from PENDING too.
func (o *Order) MarkInvoiced(invoiceID string, totalCents int64, at time.Time) error {
	switch o.Status {
	case Pending, Reserved:
		o.Status = Confirmed
		o.ConfirmedAt = at.UTC()
	case Confirmed:
	default:
		return fmt.Errorf("%w: invoice an order that is %s", ErrTransition, o.Status)
	}
	if o.InvoicedAt.IsZero() {
		o.InvoicedAt = at.UTC()
	}
	o.InvoiceID, o.TotalCents = invoiceID, totalCents
	o.UpdatedAt = at.UTC()
	return nil
}

// MarkRejected ends the order: not enough stock.
func (o *Order) MarkRejected(reason string, at time.Time) error {
	switch o.Status {
	case Pending:
	case Rejected:
		return nil
	default:
		return fmt.Errorf("%w: reject an order that is %s", ErrTransition, o.Status)
	}
	o.Status, o.Reason, o.RejectedAt, o.UpdatedAt = Rejected, reason, at.UTC(), at.UTC()
	return nil
}

// MarkFailed ends the order: a dependency failed before it could complete.
func (o *Order) MarkFailed(reason string, at time.Time) error {
	if o.Status.Final() {
		return fmt.Errorf("%w: fail an order that is %s", ErrTransition, o.Status)
	}
	o.Status, o.Reason, o.FailedAt, o.UpdatedAt = Failed, reason, at.UTC(), at.UTC()
	return nil
}

// Step is one entry of the timeline.
type Step struct {
	Step string
	At   time.Time
}

// Timeline lists the steps that happened, in time order.
func (o Order) Timeline() []Step {
	steps := []Step{{"placed", o.PlacedAt}}
	for _, s := range []Step{{"reserved", o.ReservedAt}, {"rejected", o.RejectedAt}, {"invoiced", o.InvoicedAt}, {"confirmed", o.ConfirmedAt}, {"failed", o.FailedAt}} {
		if !s.At.IsZero() {
			steps = append(steps, s)
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].At.Before(steps[j].At) })
	return steps
}

// TimeToFinal is how long the order took from placement to its final status.
func (o Order) TimeToFinal() (time.Duration, bool) {
	var end time.Time
	switch o.Status {
	case Confirmed:
		end = o.ConfirmedAt
	case Rejected:
		end = o.RejectedAt
	case Failed:
		end = o.FailedAt
	default:
		return 0, false
	}
	return end.Sub(o.PlacedAt), true
}
