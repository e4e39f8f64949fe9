package topology

import (
	"fmt"
	"slices"

	"github.com/orderflow/platform/events"
)

// Style is how the events stack runs the saga (SAGA).
type Style string

const (
	// Choreography: each service reacts to the others' events (Services).
	Choreography Style = "choreography"
	// Orchestration: order-svc drives each order's saga with commands and
	// waits for the participants' replies (orchestrated).
	Orchestration Style = "orchestration"
)

// Styles are the saga styles, the default first.
var Styles = []Style{Choreography, Orchestration}

// orchestrated is the orchestration style's flow: order-svc publishes the
// facts on orders.v1 as in choreography (late readers keep working) and
// sends commands; inventory-svc and invoicing-svc consume only their own
// command topic and reply on the orchestrator's reply channel, which only
// order-svc consumes. inventory-svc still announces its stock movements on
// inventory.v1. Names and ports are Services'.
var orchestrated = map[string]Service{
	OrderSvc: {Consumes: []string{events.TopicSagaReplies},
		Produces: []string{events.TopicOrders, events.TopicInventoryCommands, events.TopicInvoicingCommands}},
	InventorySvc: {Consumes: []string{events.TopicInventoryCommands}, Produces: []string{events.TopicSagaReplies, events.TopicInventory}},
	InvoicingSvc: {Consumes: []string{events.TopicInvoicingCommands}, Produces: []string{events.TopicSagaReplies}},
}

// ServicesFor is the system in style, in Services' order.
func ServicesFor(style Style) ([]Service, error) {
	switch style {
	case Choreography:
		return Services, nil
	case Orchestration:
		out := make([]Service, len(Services))
		for i, s := range Services {
			o := orchestrated[s.Name]
			out[i] = Service{Name: s.Name, PortOffset: s.PortOffset, Consumes: o.Consumes, Produces: o.Produces}
		}
		return out, nil
	}
	return nil, fmt.Errorf("topology: saga style %q is not one of %v", style, Styles)
}

// OfStyle returns the named service's entry in style.
func OfStyle(style Style, name string) (Service, error) {
	all, err := ServicesFor(style)
	if err != nil {
		return Service{}, err
	}
	i := slices.IndexFunc(all, func(s Service) bool { return s.Name == name })
	if i < 0 {
		return Service{}, fmt.Errorf("topology: no service %q", name)
	}
	return all[i], nil
}

// AllTopicsFor is every topic of style's flow, without dead-letter topics:
// the producers' topics in Services' order, then any consumed only.
func AllTopicsFor(style Style) ([]string, error) {
	all, err := ServicesFor(style)
	if err != nil {
		return nil, err
	}
	if style == Choreography {
		return AllTopics(), nil
	}
	var out []string
	for _, s := range all {
		for _, t := range s.Topics() {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out, nil
}
