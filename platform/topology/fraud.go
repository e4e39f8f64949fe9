package topology

import (
	"fmt"
	"slices"

	"github.com/orderflow/platform/events"
)

// FraudSvc is the fraud check's service: a step added to the flow
// (FRAUD_CHECK). It is not in Services, the stacks' three services flowctl
// starts, until flowctl runs it; System lists it always.
const FraudSvc = "fraud-svc"

// fraud is fraud-svc with the check off: it answers POST /checks (sync mode
// calls it when the check is on there) and consumes nothing.
var fraud = Service{Name: FraudSvc, PortOffset: 4}

// fraudCheckOn is what FRAUD_CHECK=on changes, per style: the entries that
// differ from the style's table (the rest stay). In choreography the
// downstream consumers change: fraud-svc reads StockReserved and announces
// its verdict on fraud.v1, invoicing-svc charges on FraudCleared instead of
// StockReserved (it no longer reads inventory.v1), inventory-svc releases on
// FraudSuspected. In orchestration only the orchestrator and the new
// participant change: order-svc sends CheckFraud, fraud-svc replies.
var fraudCheckOn = map[Style]map[string]Service{
	Choreography: {
		FraudSvc:     {Consumes: []string{events.TopicInventory}, Produces: []string{events.TopicFraud}},
		InventorySvc: {Consumes: []string{events.TopicOrders, events.TopicInvoicing, events.TopicFraud}, Produces: []string{events.TopicInventory}},
		InvoicingSvc: {Consumes: []string{events.TopicFraud, events.TopicOrders}, Produces: []string{events.TopicInvoicing}},
	},
	Orchestration: {
		OrderSvc: {Consumes: []string{events.TopicSagaReplies},
			Produces: []string{events.TopicOrders, events.TopicInventoryCommands, events.TopicInvoicingCommands, events.TopicFraudCommands}},
		FraudSvc: {Consumes: []string{events.TopicFraudCommands}, Produces: []string{events.TopicSagaReplies}},
	},
}

// System is every service of style's flow, fraud-svc last, with the fraud
// check on or off (FRAUD_CHECK): ServicesFor(style), fraud-svc, and the
// check's changes.
func System(style Style, fraudCheck bool) ([]Service, error) {
	base, err := ServicesFor(style)
	if err != nil {
		return nil, err
	}
	out := append(slices.Clone(base), fraud)
	if !fraudCheck {
		return out, nil
	}
	for i, s := range out {
		if c, ok := fraudCheckOn[style][s.Name]; ok {
			out[i] = Service{Name: s.Name, PortOffset: s.PortOffset, Consumes: c.Consumes, Produces: c.Produces}
		}
	}
	return out, nil
}

// Place returns the named service's entry in System(style, fraudCheck).
func Place(style Style, fraudCheck bool, name string) (Service, error) {
	all, err := System(style, fraudCheck)
	if err != nil {
		return Service{}, err
	}
	i := slices.IndexFunc(all, func(s Service) bool { return s.Name == name })
	if i < 0 {
		return Service{}, fmt.Errorf("topology: no service %q", name)
	}
	return all[i], nil
}

// FraudPort is fraud-svc's port in a stack whose ports start at base.
func FraudPort(base int) int { return fraud.Port(base) }
