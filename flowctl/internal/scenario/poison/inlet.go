package poison

import (
	"fmt"
	"slices"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// inlet is where a malformed message enters a brokered stack: the first
// topic order-svc produces that a service of the stack consumes (the
// topology of its saga style: orders.v1 in choreography, inventory-svc's
// command topic in orchestration, where nothing consumes orders.v1), the
// type order-svc sends on it, and the groups that consume it.
type inlet struct {
	Topic, Type string
	// Groups each dead-letter their own copy of a malformed message.
	Groups []string
}

// firstType is the type order-svc first sends on each topic an inlet can be.
var firstType = map[string]string{
	events.TopicOrders:            events.TypeOrderPlaced,
	events.TopicInventoryCommands: events.TypeReserveStock,
}

// inletOf is t's stack's inlet.
func inletOf(e *kit.Env, t kit.Target) (inlet, error) {
	l := e.Log(t)
	for _, s := range l.Services() {
		if s.Name != topology.OrderSvc {
			continue
		}
		for _, topic := range s.Produces {
			groups := consumerGroups(e, t, topic)
			if len(groups) == 0 {
				continue
			}
			typ, ok := firstType[topic]
			if !ok {
				return inlet{}, fmt.Errorf("poison-message: no message type known for %s, the %s stack's inlet", topic, t.Mode)
			}
			return inlet{Topic: l.Prefix + topic, Type: typ, Groups: groups}, nil
		}
	}
	return inlet{}, fmt.Errorf("poison-message: no service of the %s stack consumes what order-svc produces", t.Mode)
}

// consumerGroups are t's stack's groups that consume topic (its name without
// the prefix): each dead-letters its own copy of a malformed message.
func consumerGroups(e *kit.Env, t kit.Target, topic string) []string {
	l := e.Log(t)
	var out []string
	for _, s := range l.Services() {
		if slices.Contains(s.Consumes, topic) {
			out = append(out, l.Group(s.Name))
		}
	}
	return out
}

// charge is the message that makes invoicing-svc charge an order, by saga
// style: the one a retriable failure of invoicing holds in its partition.
type charge struct{ Topic, Type string }

var charges = map[topology.Style]charge{
	topology.Choreography:  {events.TopicInventory, events.TypeStockReserved},
	topology.Orchestration: {events.TopicInvoicingCommands, events.TypeIssueInvoice},
}

// chargeOf is what invoicing-svc charges on in t's stack, its topic prefixed.
func chargeOf(e *kit.Env, t kit.Target) (charge, error) {
	c, ok := charges[t.Mode.Saga()]
	if !ok {
		return charge{}, fmt.Errorf("poison-message: what invoicing-svc charges on in the %s stack is not known", t.Mode)
	}
	c.Topic = e.Topic(t, c.Topic)
	return c, nil
}
