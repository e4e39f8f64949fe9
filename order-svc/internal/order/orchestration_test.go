package order_test

import (
	"errors"
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/order"
)

// sagaCell is one expected cell of the orchestrator's table: the next step,
// the command sent, "DLQ" for a contradiction.
type sagaCell struct {
	next order.SagaStep
	send string
}

const dlq = "DLQ" // a sagaCell that dead-letters

// wantSaga is the design's table, written out sagaCell by sagaCell (not derived
// from the code), columns in order.SagaInputs' order: StockReserved,
// StockRejected, InvoiceIssued, PaymentDeclined, StockReleased,
// InvoiceVoided, FraudCleared, FraudSuspected, Cancel.
var wantSaga = map[order.SagaStep][9]sagaCell{
	order.StepNone: {{"", events.TypeReleaseStock}, {"", ""}, {"", events.TypeVoidInvoice}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""}},
	order.StepReserving: {{order.StepCharging, events.TypeIssueInvoice}, {order.StepRejected, ""}, {order.StepReserving, dlq},
		{order.StepReserving, dlq}, {order.StepReserving, dlq}, {order.StepReserving, dlq},
		{order.StepReserving, dlq}, {order.StepReserving, dlq}, {order.StepCancelReserving, ""}},
	order.StepChecking: {{order.StepChecking, ""}, {order.StepChecking, dlq}, {order.StepChecking, dlq},
		{order.StepChecking, dlq}, {order.StepChecking, dlq}, {order.StepChecking, dlq},
		{order.StepCharging, events.TypeIssueInvoice}, {order.StepFailing, events.TypeReleaseStock}, {order.StepCancelled, events.TypeReleaseStock}},
	order.StepCharging: {{order.StepCharging, ""}, {order.StepCharging, dlq}, {order.StepConfirmed, ""},
		{order.StepFailing, events.TypeReleaseStock}, {order.StepCharging, dlq}, {order.StepCharging, dlq},
		{order.StepCharging, ""}, {order.StepCharging, ""}, {order.StepCancelCharging, events.TypeReleaseStock}},
	order.StepConfirmed: {{order.StepConfirmed, ""}, {order.StepConfirmed, dlq}, {order.StepConfirmed, ""},
		{order.StepConfirmed, dlq}, {order.StepConfirmed, dlq}, {order.StepConfirmed, dlq},
		{order.StepConfirmed, ""}, {order.StepConfirmed, ""}, {order.StepConfirmed, ""}},
	order.StepRejected: {{order.StepRejected, dlq}, {order.StepRejected, ""}, {order.StepRejected, dlq},
		{order.StepRejected, dlq}, {order.StepRejected, dlq}, {order.StepRejected, ""},
		{order.StepRejected, ""}, {order.StepRejected, ""}, {order.StepRejected, ""}},
	order.StepFailing: {{order.StepFailing, ""}, {order.StepFailing, dlq}, {order.StepFailing, dlq},
		{order.StepFailing, ""}, {order.StepFailed, ""}, {order.StepFailing, ""},
		{order.StepFailing, ""}, {order.StepFailing, ""}, {order.StepCancelled, ""}},
	order.StepFailed: {{order.StepFailed, ""}, {order.StepFailed, dlq}, {order.StepFailed, dlq},
		{order.StepFailed, ""}, {order.StepFailed, ""}, {order.StepFailed, ""},
		{order.StepFailed, ""}, {order.StepFailed, ""}, {order.StepFailed, ""}},
	order.StepCancelReserving: {{order.StepCancelled, events.TypeReleaseStock}, {order.StepCancelled, ""}, {order.StepCancelReserving, dlq},
		{order.StepCancelReserving, dlq}, {order.StepCancelReserving, dlq}, {order.StepCancelReserving, dlq},
		{order.StepCancelReserving, ""}, {order.StepCancelReserving, ""}, {order.StepCancelReserving, ""}},
	order.StepCancelCharging: {{order.StepCancelCharging, ""}, {order.StepCancelCharging, dlq}, {order.StepCancelled, events.TypeVoidInvoice},
		{order.StepCancelled, ""}, {order.StepCancelCharging, ""}, {order.StepCancelCharging, ""},
		{order.StepCancelCharging, ""}, {order.StepCancelCharging, ""}, {order.StepCancelCharging, ""}},
	order.StepCancelled: {{order.StepCancelled, ""}, {order.StepCancelled, ""}, {order.StepCancelled, ""},
		{order.StepCancelled, ""}, {order.StepCancelled, ""}, {order.StepCancelled, ""},
		{order.StepCancelled, ""}, {order.StepCancelled, ""}, {order.StepCancelled, ""}},
}

// TestSagaTableWithTheFraudCheck: FRAUD_CHECK=on changes one cell — the
// reservation sends CheckFraud and waits in CHECKING — and no other.
func TestSagaTableWithTheFraudCheck(t *testing.T) {
	changed := 0
	for _, s := range order.SagaSteps {
		for _, in := range order.SagaInputs {
			off, err := order.DecideSaga(s, in)
			on, err2 := order.DecideSagaFor(true, s, in)
			if err != nil || err2 != nil {
				t.Fatalf("%s × %s: %v, %v", s, in, err, err2)
			}
			if off != on {
				changed++
				if s != order.StepReserving || in != events.TypeStockReserved || on.Next != order.StepChecking || on.Send != events.TypeCheckFraud {
					t.Errorf("%s × %s with the check: %+v, without: %+v", s, in, on, off)
				}
			}
			if same, _ := order.DecideSagaFor(false, s, in); same != off {
				t.Errorf("%s × %s: DecideSagaFor(false) = %+v, DecideSaga = %+v", s, in, same, off)
			}
		}
	}
	if changed != 1 {
		t.Errorf("the check changed %d cells, want 1", changed)
	}
}

// TestSagaTable checks every sagaCell of DecideSaga against the written table.
func TestSagaTable(t *testing.T) {
	if len(wantSaga) != len(order.SagaSteps) {
		t.Fatalf("the test covers %d steps, the code has %d", len(wantSaga), len(order.SagaSteps))
	}
	for _, s := range order.SagaSteps {
		for i, in := range order.SagaInputs {
			got, err := order.DecideSaga(s, in)
			if err != nil {
				t.Fatalf("%s × %s: %v", s, in, err)
			}
			want := wantSaga[s][i]
			wantInvalid := want.send == dlq
			if wantInvalid {
				want.send = ""
			}
			if got.Next != want.next || got.Send != want.send || got.Invalid != wantInvalid {
				t.Errorf("%s × %s = %+v, want next %q, send %q, invalid %v", s, in, got, want.next, want.send, wantInvalid)
			}
		}
	}
	if _, err := order.DecideSaga("LOST", events.TypeStockReserved); err == nil {
		t.Error("an unknown step: no error")
	}
	if _, err := order.DecideSaga(order.StepReserving, events.TypeOrderPlaced); err == nil {
		t.Error("an unknown input: no error")
	}
}

// TestSagaTableAgreesWithTheOrder: for every sagaCell the table does not
// refuse, the order methods choreography uses (ApplyReply, Cancel), applied
// to an order at the step's status, give the status the table says; for
// each refused sagaCell where the order itself knows the contradiction, they
// refuse too.
func TestSagaTableAgreesWithTheOrder(t *testing.T) {
	at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, s := range order.SagaSteps[1:] {
		for _, in := range order.SagaInputs {
			move, _ := order.DecideSaga(s, in)
			o := orderAt(s, at)
			var err error
			if in == order.InputCancel {
				_, err = o.Cancel(events.ReasonCustomer, at)
				if errors.Is(err, order.ErrFinal) {
					err = nil // refused: the order keeps its status, as the table's "keep"
				}
			} else {
				err = o.ApplyReply(reply(in, s), at)
			}
			if move.Invalid {
				continue // the orchestrator dead-letters before the order is asked
			}
			if err != nil || o.Status != move.Status {
				t.Errorf("%s × %s: order %s, %v; the table says %s", s, in, o.Status, err, move.Status)
			}
		}
	}
}

// orderAt is an order as it stands at saga step s.
func orderAt(s order.SagaStep, at time.Time) order.Order {
	o := order.New("3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70", order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", at)
	o.Status = order.StatusAt(s)
	if o.Status == order.Cancelled {
		o.Reason, o.CancelledAt = events.ReasonCustomer, at
	}
	return o
}

// reply is a payload of type in, the release's reason as at step s.
func reply(in string, s order.SagaStep) events.Payload {
	const id = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"
	lines := []events.Line{{SKU: "SKU-001", Qty: 1}}
	switch in {
	case events.TypeStockReserved:
		return &events.StockReserved{OrderID: id, ReservationID: "r", Items: lines}
	case events.TypeStockRejected:
		return &events.StockRejected{OrderID: id, Reason: "short"}
	case events.TypeInvoiceIssued:
		return &events.InvoiceIssued{OrderID: id, InvoiceID: "i", TotalCents: 100, Currency: "EUR"}
	case events.TypePaymentDeclined:
		return &events.PaymentDeclined{OrderID: id, Reason: "over"}
	case events.TypeFraudCleared:
		return &events.FraudCleared{OrderID: id, CustomerID: "c", ReservationID: "r", Items: lines}
	case events.TypeFraudSuspected:
		return &events.FraudSuspected{OrderID: id, CustomerID: "c", ReservationID: "r", Reason: "flagged"}
	case events.TypeStockReleased:
		reason := events.ReasonCustomer
		if s == order.StepFailing || s == order.StepFailed {
			reason = events.ReasonPaymentDeclined
		}
		return &events.StockReleased{OrderID: id, Reason: reason, Items: lines}
	}
	return &events.InvoiceVoided{OrderID: id, Reason: events.ReasonCustomer}
}
