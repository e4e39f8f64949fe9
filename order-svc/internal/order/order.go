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
	Failed    Status = "FAILED"    // a dependency failed or the payment was declined: final
	Cancelled Status = "CANCELLED" // given up (deadline, customer, unknown order): final
)

// Statuses lists every status, in the order the metrics show them.
func Statuses() []Status { return []Status{Pending, Reserved, Confirmed, Rejected, Failed, Cancelled} }

// Final reports whether no further change is expected.
func (s Status) Final() bool {
	return s == Confirmed || s == Rejected || s == Failed || s == Cancelled
}

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
	ID            string
	CustomerID    string
	Items         []Line
	Status        Status
	Reason        string // why REJECTED, FAILED or CANCELLED
	ReservationID string // inventory-svc's reservation, once known
	InvoiceID     string
	TotalCents    int64
	TraceID       string // trace of the request that placed it
	// TraceParent is that request's W3C traceparent (events mode), so a
	// cancellation can join the order's trace.
	TraceParent string
	PlacedAt    time.Time
	// Timeline: when each step happened (zero = not yet). A step is recorded
	// once, the first time; later messages of the same kind change nothing.
	ReservedAt  time.Time
	RejectedAt  time.Time
	InvoicedAt  time.Time
	ConfirmedAt time.Time
	DeclinedAt  time.Time
	ReleasedAt  time.Time
	VoidedAt    time.Time
	CancelledAt time.Time
	FailedAt    time.Time
	UpdatedAt   time.Time
}

// New creates a PENDING order from a valid draft.
func New(id string, d Draft, traceID string, now time.Time) Order {
	now = now.UTC()
	return Order{ID: id, CustomerID: strings.TrimSpace(d.CustomerID), Items: d.Items, Status: Pending, TraceID: traceID, PlacedAt: now, UpdatedAt: now}
}

// ErrTransition is returned for a change the state machine does not allow:
// a message that contradicts the order's status (dead-lettered in events mode).
var ErrTransition = errors.New("transition not allowed")

// refuse is the ErrTransition for doing what to an order in its status.
func (o *Order) refuse(what string) error {
	return fmt.Errorf("%w: %s an order that is %s", ErrTransition, what, o.Status)
}

// record sets *step to at unless the step happened before, and reports
// whether it did.
func (o *Order) record(step *time.Time, at time.Time) bool {
	if !step.IsZero() {
		return false
	}
	*step = at.UTC()
	return true
}

// moveTo changes the status; the caller records the step.
func (o *Order) moveTo(s Status, at time.Time) {
	o.Status, o.UpdatedAt = s, at.UTC()
}

// stepOnly records a step without changing the status: a message that
// arrives after the order moved on ("too late") stays visible.
func (o *Order) stepOnly(step *time.Time, at time.Time) {
	if o.record(step, at) {
		o.UpdatedAt = at.UTC()
	}
}

// MarkReserved records the reservation (StockReserved; sync: Reserve
// answered). Events for one order travel on different topics, so the invoice
// or the decline can arrive first: a later state keeps its status and only
// gains the step.
func (o *Order) MarkReserved(reservationID string, at time.Time) error {
	switch o.Status {
	case Pending:
		o.moveTo(Reserved, at)
		o.record(&o.ReservedAt, at)
	case Reserved, Confirmed, Failed, Cancelled:
		o.stepOnly(&o.ReservedAt, at)
	default: // Rejected: stock both refused and reserved
		return o.refuse("reserve")
	}
	if o.ReservationID == "" && reservationID != "" {
		o.ReservationID = reservationID
		o.UpdatedAt = at.UTC()
	}
	return nil
}

// MarkInvoiced records the invoice and confirms the order (InvoiceIssued;
// sync: Issue answered). An invoice implies the stock was reserved, so it is
// accepted from PENDING too. A cancelled order keeps its status and the
// invoice id, which its compensation voids.
func (o *Order) MarkInvoiced(invoiceID string, totalCents int64, at time.Time) error {
	switch o.Status {
	case Pending, Reserved:
		o.moveTo(Confirmed, at)
		o.record(&o.ConfirmedAt, at)
		o.record(&o.InvoicedAt, at)
	case Confirmed:
		return nil
	case Cancelled:
		o.stepOnly(&o.InvoicedAt, at)
		if o.InvoiceID != "" {
			return nil
		}
		o.UpdatedAt = at.UTC()
	default: // Rejected, Failed: nothing was left to invoice
		return o.refuse("invoice")
	}
	o.InvoiceID, o.TotalCents = invoiceID, totalCents
	return nil
}

// MarkRejected ends the order: not enough stock (StockRejected).
func (o *Order) MarkRejected(reason string, at time.Time) error {
	switch o.Status {
	case Pending:
	case Rejected:
		return nil
	case Cancelled:
		o.stepOnly(&o.RejectedAt, at)
		return nil
	default:
		return o.refuse("reject")
	}
	o.moveTo(Rejected, at)
	o.Reason = reason
	o.record(&o.RejectedAt, at)
	return nil
}

// MarkFailed ends the order: a dependency failed before it could complete
// (sync mode).
func (o *Order) MarkFailed(reason string, at time.Time) error {
	if o.Status.Final() {
		return o.refuse("fail")
	}
	o.moveTo(Failed, at)
	o.Reason = reason
	o.record(&o.FailedAt, at)
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
	for _, s := range []Step{
		{"reserved", o.ReservedAt}, {"rejected", o.RejectedAt}, {"invoiced", o.InvoicedAt}, {"confirmed", o.ConfirmedAt},
		{"declined", o.DeclinedAt}, {"released", o.ReleasedAt}, {"voided", o.VoidedAt}, {"cancelled", o.CancelledAt}, {"failed", o.FailedAt},
	} {
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
	case Cancelled:
		end = o.CancelledAt
	default:
		return 0, false
	}
	return end.Sub(o.PlacedAt), true
}
