package stock

import (
	"fmt"

	"github.com/orderflow/platform/events"
)

// A reservation's life in events mode is one row per order, moved by the
// three messages inventory-svc consumes. Decide is that state table (the one
// in docs/architecture.md); the listen handlers carry its actions out.

// Messages a reservation reacts to.
const (
	MsgOrderPlaced     = events.TypeOrderPlaced
	MsgOrderCancelled  = events.TypeOrderCancelled
	MsgPaymentDeclined = events.TypePaymentDeclined
	// MsgFraudSuspected (FRAUD_CHECK=on, choreography): released as a decline.
	MsgFraudSuspected = events.TypeFraudSuspected
)

// Messages lists them in the table's column order.
var Messages = []string{MsgOrderPlaced, MsgOrderCancelled, MsgPaymentDeclined, MsgFraudSuspected}

// StatusNone is the state of an order inventory-svc has no row for.
const StatusNone = ""

// States lists every state in the table's row order. StatusReserved is the
// design's HELD (the API has always called it RESERVED).
var States = []string{StatusNone, StatusReserved, StatusReleased, StatusRejected, StatusCancelled}

// Action is what a message does to a reservation in a given state.
type Action int

const (
	// Nothing: the message changes nothing and emits nothing — a repeat, a
	// message too late for a final state, or a decline with nothing held.
	Nothing Action = iota
	// Reserve holds the order's stock (RESERVED, emit StockReserved) or, when
	// a line is short, records the order REJECTED and emits StockRejected.
	Reserve
	// Tombstone records the order CANCELLED before anything was reserved for
	// it, so a later OrderPlaced reserves nothing; emits nothing.
	Tombstone
	// Release gives the held stock back (RELEASED, emit StockReleased).
	Release
	// RejectCancelled answers an OrderPlaced for a tombstoned order:
	// REJECTED with reason "cancelled", emit StockRejected.
	RejectCancelled
)

func (a Action) String() string {
	switch a {
	case Nothing:
		return "nothing"
	case Reserve:
		return "reserve"
	case Tombstone:
		return "tombstone"
	case Release:
		return "release"
	case RejectCancelled:
		return "reject-cancelled"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// table is the reservation state table: state → message → action. A
// missing cell is Nothing.
var table = map[string]map[string]Action{
	StatusNone:      {MsgOrderPlaced: Reserve, MsgOrderCancelled: Tombstone},
	StatusReserved:  {MsgOrderCancelled: Release, MsgPaymentDeclined: Release, MsgFraudSuspected: Release},
	StatusReleased:  {},
	StatusRejected:  {},
	StatusCancelled: {MsgOrderPlaced: RejectCancelled},
}

// Decide says what msg does to a reservation in state. An unknown state or
// message is an error: the table has a cell for every pair it knows.
func Decide(state, msg string) (Action, error) {
	row, ok := table[state]
	if !ok {
		return Nothing, fmt.Errorf("reservation state %q is not one of %q", state, States)
	}
	switch msg {
	case MsgOrderPlaced, MsgOrderCancelled, MsgPaymentDeclined, MsgFraudSuspected:
		return row[msg], nil
	}
	return Nothing, fmt.Errorf("message %q is not one of %q", msg, Messages)
}

// ReasonCancelled is the rejection reason of an OrderPlaced that arrived
// after its order's OrderCancelled.
const ReasonCancelled = "cancelled"

// ReleaseCause is why a reservation is given back: the StockReleased's reason
// and detail.
type ReleaseCause struct {
	Reason string // one of events.ReleaseReasons
	Detail string // the decline's reason, for a declined payment
}

// CauseOfCancel is the release cause of an OrderCancelled.
func CauseOfCancel(c events.OrderCancelled) ReleaseCause { return ReleaseCause{Reason: c.Reason} }

// CauseOfDecline is the release cause of a PaymentDeclined.
func CauseOfDecline(d events.PaymentDeclined) ReleaseCause {
	return ReleaseCause{Reason: events.ReasonPaymentDeclined, Detail: d.Reason}
}

// CauseOfSuspicion is the release cause of a FraudSuspected.
func CauseOfSuspicion(f events.FraudSuspected) ReleaseCause {
	return ReleaseCause{Reason: events.ReasonFraudSuspected, Detail: f.Reason}
}
