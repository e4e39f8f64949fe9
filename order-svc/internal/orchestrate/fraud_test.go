package orchestrate_test

import (
	"context"
	"testing"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/order"
)

var checkFraud = sent{events.TopicFraudCommands, events.TypeCheckFraud}

// TestFraudCleared: with the check on the reservation sends CheckFraud
// (CHECKING); FraudCleared sends the charge; a repeat changes nothing.
func TestFraudCleared(t *testing.T) {
	r, n := newRigWith(t, true), 0
	r.placeOrder("c-1")
	r.outbox(&n)
	r.must(r.reserved())
	r.expect("StockReserved", r.outbox(&n), order.Reserved, order.StepChecking, checkFraud)
	cleared := events.FraudCleared{OrderID: r.id, CustomerID: "c-1", ReservationID: resID, Items: lines}
	r.must(cleared)
	r.expect("FraudCleared", r.outbox(&n), order.Reserved, order.StepCharging, issue)
	r.must(cleared)
	r.expect("FraudCleared again", r.outbox(&n), order.Reserved, order.StepCharging)
	r.must(r.issued())
	r.expect("InvoiceIssued", r.outbox(&n), order.Confirmed, order.StepConfirmed)
}

// TestFraudSuspected: FraudSuspected → ReleaseStock (fraud_suspected, the
// verdict's reason) → on StockReleased the order is FAILED with it; no
// invoice is ever asked for.
func TestFraudSuspected(t *testing.T) {
	r, n := newRigWith(t, true), 0
	r.placeOrder("c-1")
	r.must(r.reserved())
	r.outbox(&n)
	r.must(events.FraudSuspected{OrderID: r.id, CustomerID: "c-1", ReservationID: resID, Reason: "customer c-1 is flagged"})
	r.expect("FraudSuspected", r.outbox(&n), order.Reserved, order.StepFailing, release)
	r.must(events.StockReleased{OrderID: r.id, ReservationID: resID, Items: lines, Reason: events.ReasonFraudSuspected, Detail: "customer c-1 is flagged"})
	r.expect("StockReleased", r.outbox(&n), order.Failed, order.StepFailed)
	if o, _ := r.st.Get(context.Background(), r.id); o.Reason != order.SuspectedPrefix+"customer c-1 is flagged" {
		t.Errorf("reason %q", o.Reason)
	}
}

// TestCancelWhileChecking: a cancel while the verdict is outstanding
// releases at once; the late verdict changes nothing and sends nothing.
func TestCancelWhileChecking(t *testing.T) {
	r, n := newRigWith(t, true), 0
	r.placeOrder("c-1")
	r.must(r.reserved())
	r.outbox(&n)
	if _, _, err := r.cancel.Cancel(context.Background(), r.id); err != nil {
		t.Fatal(err)
	}
	r.expect("cancel", r.outbox(&n), order.Cancelled, order.StepCancelled, cancels, release)
	r.must(events.FraudCleared{OrderID: r.id, CustomerID: "c-1", ReservationID: resID, Items: lines})
	r.expect("late FraudCleared", r.outbox(&n), order.Cancelled, order.StepCancelled)
}

// TestFraudVerdictWithoutTheCheck: with the check off a verdict answers a
// command never sent: dead-lettered.
func TestFraudVerdictWithoutTheCheck(t *testing.T) {
	r := newRig(t)
	r.placeOrder("c-1")
	if _, err := r.reply(events.FraudCleared{OrderID: r.id, CustomerID: "c-1", ReservationID: resID, Items: lines}); err == nil {
		t.Fatal("FraudCleared while RESERVING: no error, want a dead letter")
	}
}
