package order

import (
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/events"
)

// The saga's side of the state machine: a declined payment, the
// compensations (stock released, invoice voided) and the cancellation. Each
// method is one column of the state table in docs/architecture.md; a message
// that arrives after the order moved on records its step and changes nothing
// else, so a late compensation stays visible in the timeline.

// ErrFinal is returned when a cancellation meets an order that already ended
// otherwise (CONFIRMED, REJECTED, FAILED): too late to cancel (409).
var ErrFinal = errors.New("the order is final")

// DeclinedPrefix starts the reason of an order failed by a declined payment.
const DeclinedPrefix = "payment declined: "

// SuspectedPrefix starts the reason of an order failed by the fraud check.
const SuspectedPrefix = "fraud suspected: "

// MarkDeclined records that invoicing-svc declined the payment
// (PaymentDeclined). A decline implies the stock was reserved, so a PENDING
// order becomes RESERVED; it fails once the reservation is released.
func (o *Order) MarkDeclined(at time.Time) error {
	switch o.Status {
	case Pending:
		o.moveTo(Reserved, at)
		o.record(&o.DeclinedAt, at)
	case Reserved, Failed, Cancelled:
		o.stepOnly(&o.DeclinedAt, at)
	default: // Confirmed: charged and declined; Rejected: nothing to charge
		return o.refuse("decline the payment of")
	}
	return nil
}

// MarkReleased records that inventory-svc released the order's stock
// (StockReleased). Released because the payment was declined or fraud was
// suspected (FRAUD_CHECK=on), it ends the order FAILED with the cause's
// detail; released because of a cancellation, it is the cancellation's
// compensation and changes no status.
func (o *Order) MarkReleased(reason, detail string, at time.Time) error {
	prefix, fails := failurePrefix[reason]
	if !fails {
		if o.Status == Confirmed { // a confirmed order's stock is shipped, not released
			return o.refuse("release the stock of")
		}
		o.stepOnly(&o.ReleasedAt, at)
		return nil
	}
	switch o.Status {
	case Pending, Reserved:
		o.moveTo(Failed, at)
		o.Reason = prefix + detail
		if detail == "" {
			o.Reason = prefix + "no detail given"
		}
		o.record(&o.ReleasedAt, at)
		o.record(&o.FailedAt, at)
	case Failed, Cancelled:
		o.stepOnly(&o.ReleasedAt, at)
	default: // Confirmed, Rejected: no payment was declined, no check refused them
		return o.refuse("release (" + reason + ") the stock of")
	}
	return nil
}

// failurePrefix starts the reason of an order failed by a release of each
// failing cause; a release for another reason is a cancellation's.
var failurePrefix = map[string]string{
	events.ReasonPaymentDeclined: DeclinedPrefix,
	events.ReasonFraudSuspected:  SuspectedPrefix,
}

// MarkVoided records that invoicing-svc voided the order's invoice and gave
// the credit back (InvoiceVoided): a cancellation's compensation.
func (o *Order) MarkVoided(at time.Time) error {
	if o.Status == Confirmed { // its invoice stands
		return o.refuse("void the invoice of")
	}
	o.stepOnly(&o.VoidedAt, at)
	return nil
}

// Cancel gives the order up for reason (events.ReasonDeadline,
// ReasonCustomer). It reports whether the order changed, which is when an
// OrderCancelled must be emitted: cancelling a cancelled order is idempotent
// (false, nil), cancelling one that ended otherwise is ErrFinal.
func (o *Order) Cancel(reason string, at time.Time) (bool, error) {
	switch o.Status {
	case Pending, Reserved:
		o.moveTo(Cancelled, at)
		o.Reason = reason
		o.record(&o.CancelledAt, at)
		return true, nil
	case Cancelled:
		return false, nil
	default:
		return false, fmt.Errorf("%w: cannot cancel an order that is %s", ErrFinal, o.Status)
	}
}

// NewUnknown is the row order-svc writes when a step arrives for an order it
// never had (an OrderPlaced published by hand): CANCELLED from the start, so
// the OrderCancelled it emits undoes the reservation and the invoice.
// PlacedAt is when order-svc first heard of it.
func NewUnknown(id, customerID string, items []Line, at time.Time) Order {
	at = at.UTC()
	if items == nil {
		items = []Line{} // InvoiceIssued names no items; the row stores a list
	}
	return Order{ID: id, CustomerID: customerID, Items: items, Status: Cancelled, Reason: events.ReasonUnknownOrder,
		PlacedAt: at, CancelledAt: at, UpdatedAt: at}
}

// CancelledEvent is the OrderCancelled a cancelled order emits.
func (o Order) CancelledEvent() events.OrderCancelled {
	return events.OrderCancelled{OrderID: o.ID, CustomerID: o.CustomerID, Reason: o.Reason, CancelledAt: o.CancelledAt}
}

// ApplyReply moves the order as a step's event or reply says (both saga
// styles carry the same payloads). A payload that is no step of the order's
// changes nothing.
func (o *Order) ApplyReply(p events.Payload, at time.Time) error {
	switch p := p.(type) {
	case *events.StockReserved:
		return o.MarkReserved(p.ReservationID, at)
	case *events.StockRejected:
		return o.MarkRejected(p.Reason, at)
	case *events.InvoiceIssued:
		return o.MarkInvoiced(p.InvoiceID, p.TotalCents, at)
	case *events.PaymentDeclined:
		return o.MarkDeclined(at)
	case *events.StockReleased:
		return o.MarkReleased(p.Reason, p.Detail, at)
	case *events.InvoiceVoided:
		return o.MarkVoided(at)
	}
	return nil
}
