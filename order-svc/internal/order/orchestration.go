package order

import (
	"fmt"

	"github.com/orderflow/platform/events"
)

// The orchestrated saga (SAGA=orchestration): order-svc keeps, beside each
// order, the step its saga is at, and moves it on the participants' replies
// and on its own decisions (the deadline, the customer's cancel). Decide is
// the state table (docs/architecture.md, "Choreography and orchestration side
// by side"): saga step × input → next step, the command to send, and the
// order's status after it. The order's status itself is moved by the same
// methods as in choreography (Apply, Cancel): only who decides differs.

// SagaStep is where an order's orchestrated saga stands.
type SagaStep string

const (
	// StepNone: order-svc has no saga for the order (it never had it).
	StepNone SagaStep = ""
	// StepReserving: ReserveStock sent, its reply outstanding.
	StepReserving SagaStep = "RESERVING"
	// StepChecking: CheckFraud sent, its verdict outstanding (FRAUD_CHECK=on
	// only: between the reservation and the charge).
	StepChecking SagaStep = "CHECKING"
	// StepCharging: IssueInvoice sent, its reply outstanding.
	StepCharging SagaStep = "CHARGING"
	// StepConfirmed, StepRejected, StepFailed: the saga ended so.
	StepConfirmed SagaStep = "CONFIRMED"
	StepRejected  SagaStep = "REJECTED"
	StepFailed    SagaStep = "FAILED"
	// StepFailing: the payment was declined, ReleaseStock sent; the order
	// fails on the StockReleased.
	StepFailing SagaStep = "FAILING"
	// StepCancelReserving: cancelled while the reserve's reply was
	// outstanding; a reservation that arrives is released, never applied.
	StepCancelReserving SagaStep = "CANCEL_RESERVING"
	// StepCancelCharging: cancelled while the charge's reply was
	// outstanding; ReleaseStock sent at the cancel; an invoice that arrives
	// is voided.
	StepCancelCharging SagaStep = "CANCEL_CHARGING"
	// StepCancelled: cancelled and no forward reply outstanding; the
	// compensations' replies are recorded on the order (released, voided).
	StepCancelled SagaStep = "CANCELLED"
)

// SagaSteps lists every step in the table's row order.
var SagaSteps = []SagaStep{StepNone, StepReserving, StepChecking, StepCharging, StepConfirmed, StepRejected, StepFailing, StepFailed,
	StepCancelReserving, StepCancelCharging, StepCancelled}

// InputCancel is the orchestrator's own input: the deadline passed or the
// customer cancelled (the order's Cancel changed it).
const InputCancel = "Cancel"

// SagaInputs lists the table's columns: the replies, then the cancel.
var SagaInputs = []string{events.TypeStockReserved, events.TypeStockRejected, events.TypeInvoiceIssued,
	events.TypePaymentDeclined, events.TypeStockReleased, events.TypeInvoiceVoided,
	events.TypeFraudCleared, events.TypeFraudSuspected, InputCancel}

// SagaMove is one cell of the table.
type SagaMove struct {
	Next SagaStep
	// Send is the command type to send ("" for none).
	Send string
	// Status is the order's status after the input (the methods that move
	// it are choreography's; the table says what they must give).
	Status Status
	// Invalid: the input contradicts the saga (a reply to a command never
	// sent): dead-lettered for a human.
	Invalid bool
}

// keep is the cell of an input that changes nothing: a repeat, or a reply
// too late to matter (its step is still recorded on the order).
func keep(s SagaStep) SagaMove { return SagaMove{Next: s, Status: stepStatus[s]} }

func to(s SagaStep, send string) SagaMove {
	return SagaMove{Next: s, Send: send, Status: stepStatus[s]}
}

func invalid(s SagaStep) SagaMove { return SagaMove{Next: s, Status: stepStatus[s], Invalid: true} }

// stepStatus is the order's status at each step.
var stepStatus = map[SagaStep]Status{
	StepReserving: Pending, StepChecking: Reserved, StepCharging: Reserved, StepConfirmed: Confirmed, StepRejected: Rejected,
	StepFailing: Reserved, StepFailed: Failed, StepCancelReserving: Cancelled, StepCancelCharging: Cancelled, StepCancelled: Cancelled,
}

// StatusAt is the order's status at step s ("" for StepNone).
func StatusAt(s SagaStep) Status { return stepStatus[s] }

const (
	stockReserved   = events.TypeStockReserved
	stockRejected   = events.TypeStockRejected
	invoiceIssued   = events.TypeInvoiceIssued
	paymentDeclined = events.TypePaymentDeclined
	stockReleased   = events.TypeStockReleased
	invoiceVoided   = events.TypeInvoiceVoided
	fraudCleared    = events.TypeFraudCleared
	fraudSuspected  = events.TypeFraudSuspected
)

// sagaTable is the state table. A cell not listed keeps the step (too late
// or a repeat).
var sagaTable = map[SagaStep]map[string]SagaMove{
	// An order order-svc never had: what a reply holds is undone.
	StepNone: {stockReserved: {Send: events.TypeReleaseStock}, invoiceIssued: {Send: events.TypeVoidInvoice}},
	StepReserving: {stockReserved: to(StepCharging, events.TypeIssueInvoice), stockRejected: to(StepRejected, ""),
		invoiceIssued: invalid(StepReserving), paymentDeclined: invalid(StepReserving),
		stockReleased: invalid(StepReserving), invoiceVoided: invalid(StepReserving),
		fraudCleared: invalid(StepReserving), fraudSuspected: invalid(StepReserving), InputCancel: to(StepCancelReserving, "")},
	// FRAUD_CHECK=on: a cancel while checking releases at once (a check holds
	// nothing, so its late verdict is only recorded).
	StepChecking: {stockRejected: invalid(StepChecking), invoiceIssued: invalid(StepChecking), paymentDeclined: invalid(StepChecking),
		stockReleased: invalid(StepChecking), invoiceVoided: invalid(StepChecking),
		fraudCleared: to(StepCharging, events.TypeIssueInvoice), fraudSuspected: to(StepFailing, events.TypeReleaseStock),
		InputCancel: to(StepCancelled, events.TypeReleaseStock)},
	StepCharging: {stockRejected: invalid(StepCharging), invoiceIssued: to(StepConfirmed, ""),
		paymentDeclined: to(StepFailing, events.TypeReleaseStock), stockReleased: invalid(StepCharging),
		invoiceVoided: invalid(StepCharging), InputCancel: to(StepCancelCharging, events.TypeReleaseStock)},
	StepConfirmed: {stockRejected: invalid(StepConfirmed), paymentDeclined: invalid(StepConfirmed),
		stockReleased: invalid(StepConfirmed), invoiceVoided: invalid(StepConfirmed)},
	StepRejected: {stockReserved: invalid(StepRejected), invoiceIssued: invalid(StepRejected), paymentDeclined: invalid(StepRejected),
		stockReleased: invalid(StepRejected)},
	StepFailing: {stockRejected: invalid(StepFailing), invoiceIssued: invalid(StepFailing), stockReleased: to(StepFailed, ""),
		InputCancel: to(StepCancelled, "")},
	StepFailed: {stockRejected: invalid(StepFailed), invoiceIssued: invalid(StepFailed)},
	StepCancelReserving: {stockReserved: to(StepCancelled, events.TypeReleaseStock), stockRejected: to(StepCancelled, ""),
		invoiceIssued: invalid(StepCancelReserving), paymentDeclined: invalid(StepCancelReserving),
		stockReleased: invalid(StepCancelReserving), invoiceVoided: invalid(StepCancelReserving)},
	StepCancelCharging: {stockRejected: invalid(StepCancelCharging), invoiceIssued: to(StepCancelled, events.TypeVoidInvoice),
		paymentDeclined: to(StepCancelled, "")},
	StepCancelled: {},
}

// checkedCells are the cells FRAUD_CHECK=on changes: the reservation goes
// to the check, not to the charge.
var checkedCells = map[SagaStep]map[string]SagaMove{
	StepReserving: {stockReserved: to(StepChecking, events.TypeCheckFraud)},
}

// DecideSagaFor is DecideSaga with the fraud check on (FRAUD_CHECK) or off.
func DecideSagaFor(fraudCheck bool, s SagaStep, input string) (SagaMove, error) {
	m, err := DecideSaga(s, input)
	if c, ok := checkedCells[s][input]; ok && fraudCheck && err == nil {
		return c, nil
	}
	return m, err
}

// DecideSaga is what input does to a saga at step s without the fraud
// check. An unknown step or input is an error: the table has a cell for
// every pair it knows.
func DecideSaga(s SagaStep, input string) (SagaMove, error) {
	row, ok := sagaTable[s]
	if !ok {
		return SagaMove{}, fmt.Errorf("saga step %q is not one of %q", s, SagaSteps)
	}
	known := false
	for _, in := range SagaInputs {
		known = known || in == input
	}
	if !known {
		return SagaMove{}, fmt.Errorf("saga input %q is not one of %q", input, SagaInputs)
	}
	if m, ok := row[input]; ok {
		return m, nil
	}
	return keep(s), nil
}
