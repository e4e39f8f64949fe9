package invoice

import "fmt"

// State is what invoicing-svc knows of one order: nothing yet, its invoice's
// status, or a tombstone (the order was cancelled before it was charged).
type State string

const (
	// StateNone: nothing is known of the order yet.
	StateNone State = ""
	// StateIssued, StateDeclined and StateVoided: the order's invoice has
	// that status.
	StateIssued   State = State(Issued)
	StateDeclined State = State(Declined)
	StateVoided   State = State(Voided)
	// StateCancelled is the tombstone: an OrderCancelled arrived before
	// any StockReserved (they travel on different topics, so that order
	// can happen); a later StockReserved must charge nothing.
	StateCancelled State = "CANCELLED"
)

// States are every state, in the order of the saga design's table.
var States = []State{StateNone, StateIssued, StateDeclined, StateVoided, StateCancelled}

// Message is what can happen to an order's invoice.
type Message string

const (
	// StockReserved: the event (events mode) or POST /invoices (sync).
	StockReserved Message = "StockReserved"
	// OrderCancelled: the event (events mode) or POST /invoices/{id}/void (sync).
	OrderCancelled Message = "OrderCancelled"
)

// Messages are every message, in the table's order.
var Messages = []Message{StockReserved, OrderCancelled}

// Action is what a message does in a state.
type Action string

const (
	// Nothing: a redelivery, or a message that comes too late to matter.
	Nothing Action = "nothing"
	// Charge: price the order and charge it (Decide): ISSUED and
	// InvoiceIssued, or DECLINED and PaymentDeclined.
	Charge Action = "charge"
	// Void: VOIDED, the amount goes back to the credit, InvoiceVoided.
	Void Action = "void"
	// Remember: store the tombstone, emit nothing.
	Remember Action = "tombstone"
)

// table is the saga design's state machine of an order's invoice, row by row.
var table = map[State]map[Message]Action{
	StateNone:      {StockReserved: Charge, OrderCancelled: Remember},
	StateIssued:    {StockReserved: Nothing, OrderCancelled: Void},
	StateDeclined:  {StockReserved: Nothing, OrderCancelled: Nothing},
	StateVoided:    {StockReserved: Nothing, OrderCancelled: Nothing},
	StateCancelled: {StockReserved: Nothing, OrderCancelled: Nothing},
}

// Next is what m does to an order in state s.
func Next(s State, m Message) (Action, error) {
	a, ok := table[s][m]
	if !ok {
		return "", fmt.Errorf("invoice state %q has no rule for %s", s, m)
	}
	return a, nil
}
