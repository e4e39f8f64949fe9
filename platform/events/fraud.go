package events

import (
	"errors"
	"fmt"
)

// The fraud check (FRAUD_CHECK=on): a step between the reservation and the
// charge. In choreography fraud-svc reads StockReserved and announces its
// verdict on fraud.v1; in orchestration order-svc sends CheckFraud on
// fraud.commands.v1 and fraud-svc replies with the same verdicts on the
// orchestrator's reply channel. Key = order id, as every order event.
const (
	TopicFraud         = "fraud.v1"
	TopicFraudCommands = "fraud.commands.v1"
)

// The fraud check's types.
const (
	TypeCheckFraud     = "CheckFraud"
	TypeFraudCleared   = "FraudCleared"
	TypeFraudSuspected = "FraudSuspected"
)

// ReasonFraudSuspected is a StockReleased's reason when fraud-svc suspected
// the order: the order fails with the verdict's reason.
const ReasonFraudSuspected = "fraud_suspected"

// CheckFraud asks fraud-svc to check a reserved order (orchestration); it
// replies FraudCleared or FraudSuspected.
type CheckFraud struct {
	OrderID       string `json:"order_id"`
	CustomerID    string `json:"customer_id"`
	ReservationID string `json:"reservation_id"`
	Items         []Line `json:"items"`
}

// FraudCleared: fraud-svc found nothing against the order. It repeats what
// the charge needs (the reservation's customer and lines), so invoicing-svc
// can charge on it alone in choreography, as it charged on StockReserved.
type FraudCleared struct {
	OrderID       string `json:"order_id"`
	CustomerID    string `json:"customer_id"`
	ReservationID string `json:"reservation_id"`
	Items         []Line `json:"items"`
}

// FraudSuspected: fraud-svc refused the order; the reservation it names is
// released (reason fraud_suspected, detail = Reason).
type FraudSuspected struct {
	OrderID       string `json:"order_id"`
	CustomerID    string `json:"customer_id"`
	ReservationID string `json:"reservation_id"`
	Reason        string `json:"reason"`
}

func (CheckFraud) EventType() string     { return TypeCheckFraud }
func (FraudCleared) EventType() string   { return TypeFraudCleared }
func (FraudSuspected) EventType() string { return TypeFraudSuspected }

func (p CheckFraud) key() string     { return p.OrderID }
func (p FraudCleared) key() string   { return p.OrderID }
func (p FraudSuspected) key() string { return p.OrderID }

// checked validates what the three types share.
func checked(orderID, customerID, reservationID string) error {
	switch {
	case orderID == "":
		return errors.New("order_id is missing")
	case customerID == "":
		return errors.New("customer_id is missing")
	case reservationID == "":
		return errors.New("reservation_id is missing")
	}
	return nil
}

func (p CheckFraud) Validate() error {
	if err := checked(p.OrderID, p.CustomerID, p.ReservationID); err != nil {
		return err
	}
	return ValidateLines(p.Items)
}

func (p FraudCleared) Validate() error {
	if err := checked(p.OrderID, p.CustomerID, p.ReservationID); err != nil {
		return err
	}
	return ValidateLines(p.Items)
}

func (p FraudSuspected) Validate() error {
	if err := checked(p.OrderID, p.CustomerID, p.ReservationID); err != nil {
		return err
	}
	switch {
	case p.Reason == "":
		return errors.New("reason is missing")
	case len(p.Reason) > MaxDetailLen:
		return fmt.Errorf("reason is longer than %d bytes", MaxDetailLen)
	}
	return nil
}
