package events

import (
	"errors"
	"fmt"
)

// The orchestrated saga's topics (SAGA=orchestration): order-svc, the
// orchestrator, sends commands on one topic per participant, and the
// participants reply on the orchestrator's one reply channel (as Eventuate
// Tram's per-saga reply channel). Key = order id everywhere, so one order's
// commands reach a participant in the order sent, and its replies reach the
// orchestrator as one ordered stream.
const (
	TopicInventoryCommands = "inventory.commands.v1"
	TopicInvoicingCommands = "invoicing.commands.v1"
	TopicSagaReplies       = "order-saga.replies.v1"
)

// Command type names (event-type header and envelope type).
const (
	TypeReserveStock = "ReserveStock"
	TypeReleaseStock = "ReleaseStock"
	TypeIssueInvoice = "IssueInvoice"
	TypeVoidInvoice  = "VoidInvoice"
)

// CommandTopic is the topic a command type travels on, "" for a type that
// is no command. A reply travels on TopicSagaReplies; a fact on its
// producer's topic.
func CommandTopic(eventType string) string {
	switch eventType {
	case TypeReserveStock, TypeReleaseStock:
		return TopicInventoryCommands
	case TypeIssueInvoice, TypeVoidInvoice:
		return TopicInvoicingCommands
	case TypeCheckFraud:
		return TopicFraudCommands
	}
	return ""
}

// ReserveStock asks inventory-svc to reserve an order's lines; it replies
// StockReserved or StockRejected.
type ReserveStock struct {
	OrderID    string `json:"order_id"`
	CustomerID string `json:"customer_id"`
	Items      []Line `json:"items"`
}

// ReleaseStock asks inventory-svc to give an order's reservation back
// (the order was cancelled, or its payment declined); it replies
// StockReleased with the same reason and detail.
type ReleaseStock struct {
	OrderID       string `json:"order_id"`
	ReservationID string `json:"reservation_id"`
	Reason        string `json:"reason"`
	Detail        string `json:"detail,omitempty"` // the decline's reason
}

// IssueInvoice asks invoicing-svc to charge the customer for a reserved
// order (the charge); it replies InvoiceIssued or PaymentDeclined.
type IssueInvoice struct {
	OrderID       string `json:"order_id"`
	CustomerID    string `json:"customer_id"`
	ReservationID string `json:"reservation_id"`
	Items         []Line `json:"items"`
}

// VoidInvoice asks invoicing-svc to void a cancelled order's invoice and
// give the credit back; it replies InvoiceVoided.
type VoidInvoice struct {
	OrderID   string `json:"order_id"`
	InvoiceID string `json:"invoice_id"`
	Reason    string `json:"reason"`
}

func (ReserveStock) EventType() string { return TypeReserveStock }
func (ReleaseStock) EventType() string { return TypeReleaseStock }
func (IssueInvoice) EventType() string { return TypeIssueInvoice }
func (VoidInvoice) EventType() string  { return TypeVoidInvoice }

func (p ReserveStock) key() string { return p.OrderID }
func (p ReleaseStock) key() string { return p.OrderID }
func (p IssueInvoice) key() string { return p.OrderID }
func (p VoidInvoice) key() string  { return p.OrderID }

func (p ReserveStock) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.CustomerID == "":
		return errors.New("customer_id is missing")
	}
	return ValidateLines(p.Items)
}

func (p ReleaseStock) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.ReservationID == "":
		return errors.New("reservation_id is missing")
	case len(p.Detail) > MaxDetailLen:
		return fmt.Errorf("detail is longer than %d bytes", MaxDetailLen)
	}
	return oneOf("reason", p.Reason, ReleaseReasons)
}

func (p IssueInvoice) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.CustomerID == "":
		return errors.New("customer_id is missing")
	case p.ReservationID == "":
		return errors.New("reservation_id is missing")
	}
	return ValidateLines(p.Items)
}

func (p VoidInvoice) Validate() error {
	switch {
	case p.OrderID == "":
		return errors.New("order_id is missing")
	case p.InvoiceID == "":
		return errors.New("invoice_id is missing")
	}
	return oneOf("reason", p.Reason, CancelReasons)
}

// Reply is env, a participant's reply, marked as the answer to the
// command cmd: its reply_to names the command's id, so a trace or a log
// search links the two.
func Reply(cmd Envelope, env Envelope) Envelope {
	env.ReplyTo = cmd.ID
	return env
}
