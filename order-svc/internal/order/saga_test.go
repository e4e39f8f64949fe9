package order_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/order"
)

// fixture builds an order in a status along the path events mode takes to it.
type fixture struct {
	name  string
	build func() order.Order
}

func from(name string, steps ...func(o *order.Order) error) fixture {
	return fixture{name, func() order.Order {
		o := order.New("0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11", order.Draft{CustomerID: "c-1", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", at(0))
		for i, s := range steps {
			if err := s(&o); err != nil {
				panic(name + ": fixture step " + string(rune('0'+i)) + ": " + err.Error())
			}
		}
		return o
	}}
}

func reservedAt(ms int) func(*order.Order) error {
	return func(o *order.Order) error { return o.MarkReserved("res-1", at(ms)) }
}
func invoicedAt(ms int) func(*order.Order) error {
	return func(o *order.Order) error { return o.MarkInvoiced("inv-1", 3780, at(ms)) }
}
func declinedAt(ms int) func(*order.Order) error {
	return func(o *order.Order) error { return o.MarkDeclined(at(ms)) }
}
func releasedAt(ms int, reason string) func(*order.Order) error {
	return func(o *order.Order) error { return o.MarkReleased(reason, "over the credit limit", at(ms)) }
}
func cancelledAt(ms int, reason string) func(*order.Order) error {
	return func(o *order.Order) error { _, err := o.Cancel(reason, at(ms)); return err }
}

var (
	pending          = from("PENDING")
	reserved         = from("RESERVED", reservedAt(10))
	reservedDeclined = from("RESERVED (declined before StockReserved)", declinedAt(10))
	confirmed        = from("CONFIRMED", reservedAt(10), invoicedAt(20))
	confirmedEarly   = from("CONFIRMED (invoice before StockReserved)", invoicedAt(20))
	rejected         = from("REJECTED", func(o *order.Order) error { return o.MarkRejected("SKU-001: 1 requested, 0 available", at(10)) })
	failed           = from("FAILED (declined, then released)", reservedAt(10), declinedAt(20), releasedAt(30, events.ReasonPaymentDeclined))
	failedEarly      = from("FAILED (released before StockReserved and PaymentDeclined)", releasedAt(10, events.ReasonPaymentDeclined))
	failedSync       = from("FAILED (sync: a dependency failed)", reservedAt(10), func(o *order.Order) error { return o.MarkFailed("invoicing-svc unavailable", at(20)) })
	cancelled        = from("CANCELLED", cancelledAt(10, events.ReasonCustomer))
)

// message is one column of the state table, applied at 100 ms.
type message struct {
	name  string
	apply func(o *order.Order) (emit bool, err error)
}

func noEmit(f func(o *order.Order) error) func(o *order.Order) (bool, error) {
	return func(o *order.Order) (bool, error) { return false, f(o) }
}

var (
	stockReserved   = message{"StockReserved", noEmit(func(o *order.Order) error { return o.MarkReserved("res-2", at(100)) })}
	stockRejected   = message{"StockRejected", noEmit(func(o *order.Order) error { return o.MarkRejected("short", at(100)) })}
	invoiceIssued   = message{"InvoiceIssued", noEmit(func(o *order.Order) error { return o.MarkInvoiced("inv-2", 999, at(100)) })}
	paymentDeclined = message{"PaymentDeclined", noEmit(func(o *order.Order) error { return o.MarkDeclined(at(100)) })}
	releasedDecline = message{"StockReleased(payment_declined)", noEmit(func(o *order.Order) error {
		return o.MarkReleased(events.ReasonPaymentDeclined, "950 cents over the remaining credit of 0", at(100))
	})}
	releasedFraud = message{"StockReleased(fraud_suspected)", noEmit(func(o *order.Order) error {
		return o.MarkReleased(events.ReasonFraudSuspected, "customer cust-fraud is flagged", at(100))
	})}
	releasedCancel = message{"StockReleased(deadline)", noEmit(func(o *order.Order) error { return o.MarkReleased(events.ReasonDeadline, "", at(100)) })}
	invoiceVoided  = message{"InvoiceVoided", noEmit(func(o *order.Order) error { return o.MarkVoided(at(100)) })}
	cancelCustomer = message{"cancel (customer)", func(o *order.Order) (bool, error) { return o.Cancel(events.ReasonCustomer, at(100)) }}
	deadline       = message{"deadline", func(o *order.Order) (bool, error) { return o.Cancel(events.ReasonDeadline, at(100)) }}
)

// cell is one (state, message) pair of the design's table. steps are the
// timeline steps the message adds at 100 ms; a cell with no new status, no
// steps and no error must leave the order exactly as it was (a no-op).
type cell struct {
	from   fixture
	msg    message
	want   order.Status
	steps  []string
	err    error // ErrTransition (dead letter) or ErrFinal (409)
	emit   bool  // OrderCancelled
	reason string
}

func TestStateTable(t *testing.T) {
	const declined = order.DeclinedPrefix + "950 cents over the remaining credit of 0"
	const suspected = order.SuspectedPrefix + "customer cust-fraud is flagged"
	cells := []cell{
		// StockReleased(fraud_suspected), FRAUD_CHECK=on: as a decline's release.
		{from: pending, msg: releasedFraud, want: order.Failed, steps: []string{"released", "failed"}, reason: suspected},
		{from: reserved, msg: releasedFraud, want: order.Failed, steps: []string{"released", "failed"}, reason: suspected},
		{from: confirmed, msg: releasedFraud, want: order.Confirmed, err: order.ErrTransition},
		{from: rejected, msg: releasedFraud, want: order.Rejected, err: order.ErrTransition},
		{from: failed, msg: releasedFraud, want: order.Failed},
		{from: cancelled, msg: releasedFraud, want: order.Cancelled, steps: []string{"released"}},

		{from: pending, msg: stockReserved, want: order.Reserved, steps: []string{"reserved"}},
		{from: pending, msg: stockRejected, want: order.Rejected, steps: []string{"rejected"}, reason: "short"},
		{from: pending, msg: invoiceIssued, want: order.Confirmed, steps: []string{"invoiced", "confirmed"}},
		{from: pending, msg: paymentDeclined, want: order.Reserved, steps: []string{"declined"}},
		{from: pending, msg: releasedDecline, want: order.Failed, steps: []string{"released", "failed"}, reason: declined},
		{from: pending, msg: releasedCancel, want: order.Pending, steps: []string{"released"}},
		{from: pending, msg: invoiceVoided, want: order.Pending, steps: []string{"voided"}},
		{from: pending, msg: cancelCustomer, want: order.Cancelled, steps: []string{"cancelled"}, emit: true, reason: "customer"},
		{from: pending, msg: deadline, want: order.Cancelled, steps: []string{"cancelled"}, emit: true, reason: "deadline"},

		{from: reserved, msg: stockReserved, want: order.Reserved},
		{from: reservedDeclined, msg: stockReserved, want: order.Reserved, steps: []string{"reserved"}},
		{from: reserved, msg: stockRejected, want: order.Reserved, err: order.ErrTransition},
		{from: reserved, msg: invoiceIssued, want: order.Confirmed, steps: []string{"invoiced", "confirmed"}},
		{from: reserved, msg: paymentDeclined, want: order.Reserved, steps: []string{"declined"}},
		{from: reserved, msg: releasedDecline, want: order.Failed, steps: []string{"released", "failed"}, reason: declined},
		{from: reserved, msg: releasedCancel, want: order.Reserved, steps: []string{"released"}},
		{from: reserved, msg: invoiceVoided, want: order.Reserved, steps: []string{"voided"}},
		{from: reserved, msg: cancelCustomer, want: order.Cancelled, steps: []string{"cancelled"}, emit: true, reason: "customer"},
		{from: reserved, msg: deadline, want: order.Cancelled, steps: []string{"cancelled"}, emit: true, reason: "deadline"},

		{from: confirmed, msg: stockReserved, want: order.Confirmed},
		{from: confirmedEarly, msg: stockReserved, want: order.Confirmed, steps: []string{"reserved"}},
		{from: confirmed, msg: stockRejected, want: order.Confirmed, err: order.ErrTransition},
		{from: confirmed, msg: invoiceIssued, want: order.Confirmed},
		{from: confirmed, msg: paymentDeclined, want: order.Confirmed, err: order.ErrTransition},
		{from: confirmed, msg: releasedDecline, want: order.Confirmed, err: order.ErrTransition},
		{from: confirmed, msg: releasedCancel, want: order.Confirmed, err: order.ErrTransition},
		{from: confirmed, msg: invoiceVoided, want: order.Confirmed, err: order.ErrTransition},
		{from: confirmed, msg: cancelCustomer, want: order.Confirmed, err: order.ErrFinal},
		{from: confirmed, msg: deadline, want: order.Confirmed, err: order.ErrFinal}, // "—": the sweeper never picks a final order

		{from: rejected, msg: stockReserved, want: order.Rejected, err: order.ErrTransition},
		{from: rejected, msg: stockRejected, want: order.Rejected},
		{from: rejected, msg: invoiceIssued, want: order.Rejected, err: order.ErrTransition},
		{from: rejected, msg: paymentDeclined, want: order.Rejected, err: order.ErrTransition},
		{from: rejected, msg: releasedDecline, want: order.Rejected, err: order.ErrTransition},
		{from: rejected, msg: releasedCancel, want: order.Rejected, steps: []string{"released"}},
		{from: rejected, msg: invoiceVoided, want: order.Rejected, steps: []string{"voided"}},
		{from: rejected, msg: cancelCustomer, want: order.Rejected, err: order.ErrFinal},
		{from: rejected, msg: deadline, want: order.Rejected, err: order.ErrFinal},

		{from: failedEarly, msg: stockReserved, want: order.Failed, steps: []string{"reserved"}},
		{from: failed, msg: stockRejected, want: order.Failed, err: order.ErrTransition},
		{from: failed, msg: invoiceIssued, want: order.Failed, err: order.ErrTransition},
		{from: failedEarly, msg: paymentDeclined, want: order.Failed, steps: []string{"declined"}},
		{from: failed, msg: releasedDecline, want: order.Failed},
		{from: failedSync, msg: releasedCancel, want: order.Failed, steps: []string{"released"}},
		{from: failed, msg: invoiceVoided, want: order.Failed, steps: []string{"voided"}},
		{from: failed, msg: cancelCustomer, want: order.Failed, err: order.ErrFinal},
		{from: failed, msg: deadline, want: order.Failed, err: order.ErrFinal},

		{from: cancelled, msg: stockReserved, want: order.Cancelled, steps: []string{"reserved"}},
		{from: cancelled, msg: stockRejected, want: order.Cancelled, steps: []string{"rejected"}},
		{from: cancelled, msg: invoiceIssued, want: order.Cancelled, steps: []string{"invoiced"}},
		{from: cancelled, msg: paymentDeclined, want: order.Cancelled, steps: []string{"declined"}},
		{from: cancelled, msg: releasedDecline, want: order.Cancelled, steps: []string{"released"}},
		{from: cancelled, msg: releasedCancel, want: order.Cancelled, steps: []string{"released"}},
		{from: cancelled, msg: invoiceVoided, want: order.Cancelled, steps: []string{"voided"}},
		{from: cancelled, msg: cancelCustomer, want: order.Cancelled}, // idempotent: the same answer, nothing emitted
		{from: cancelled, msg: deadline, want: order.Cancelled},
	}
	for _, c := range cells {
		t.Run(c.from.name+" + "+c.msg.name, func(t *testing.T) {
			before := c.from.build()
			o := before
			emit, err := c.msg.apply(&o)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				if !reflect.DeepEqual(o, before) {
					t.Fatalf("a refused message changed the order:\n%+v\nwas\n%+v", o, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if o.Status != c.want || emit != c.emit {
				t.Fatalf("status %s, emit %v; want %s, %v", o.Status, emit, c.want, c.emit)
			}
			var added []string
			for _, s := range o.Timeline() {
				if s.At.Equal(at(100)) {
					added = append(added, s.Step)
				}
			}
			if !slices.Equal(added, c.steps) {
				t.Fatalf("steps added = %v, want %v (timeline %v)", added, c.steps, stepNames(o))
			}
			if len(c.steps) == 0 && !reflect.DeepEqual(o, before) {
				t.Fatalf("a no-op changed the order:\n%+v\nwas\n%+v", o, before)
			}
			if len(c.steps) > 0 && !o.UpdatedAt.Equal(at(100)) {
				t.Errorf("UpdatedAt = %v, want the message's time", o.UpdatedAt)
			}
			if c.reason != "" && o.Reason != c.reason {
				t.Errorf("reason = %q, want %q", o.Reason, c.reason)
			}
		})
	}
}

// A cancelled order keeps the invoice that arrives after its cancellation,
// so the compensation (sync: the void) knows which invoice to undo, and the
// reservation id for the release.
func TestCancelledOrderKeepsLateIDs(t *testing.T) {
	o := cancelled.build()
	_ = o.MarkReserved("res-9", at(50))
	_ = o.MarkInvoiced("inv-9", 120, at(60))
	_ = o.MarkInvoiced("inv-other", 1, at(70))
	if o.Status != order.Cancelled || o.ReservationID != "res-9" || o.InvoiceID != "inv-9" || o.TotalCents != 120 {
		t.Fatalf("order = %+v", o)
	}
	if d, ok := o.TimeToFinal(); !ok || d != 10*1e6 {
		t.Fatalf("TimeToFinal = %v, %v; want the cancellation's 10ms", d, ok)
	}
}

func TestNewUnknown(t *testing.T) {
	o := order.NewUnknown("id-x", "c-9", nil, at(5))
	if o.Status != order.Cancelled || o.Reason != events.ReasonUnknownOrder || !o.CancelledAt.Equal(at(5)) || o.Items == nil {
		t.Fatalf("NewUnknown = %+v", o)
	}
	ev := o.CancelledEvent()
	if ev.OrderID != "id-x" || ev.CustomerID != "c-9" || ev.Reason != events.ReasonUnknownOrder || !ev.CancelledAt.Equal(at(5)) {
		t.Fatalf("CancelledEvent = %+v", ev)
	}
	if err := ev.Validate(); err != nil {
		t.Fatalf("the event does not validate: %v", err)
	}
}
