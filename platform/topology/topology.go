// Package topology is the one place that says which service consumes which
// topic, in which consumer group, and which topics it produces to. The
// services' wiring, flowctl (lag, reset, the scenarios) and the check against
// docs/asyncapi.yaml all read it, so the picture cannot drift apart.
package topology

import (
	"fmt"
	"slices"

	"github.com/orderflow/platform/events"
)

// The services' names: the only place they are spelled in code.
const (
	OrderSvc     = "order-svc"
	InventorySvc = "inventory-svc"
	InvoicingSvc = "invoicing-svc"
)

// DefaultPortBase is the sync stack's base: a service listens on
// base + PortOffset (8081, 8082, 8083).
const DefaultPortBase = 8080

// Service is one service's place in the system: its name, its port above a
// stack's base, (events mode) the topics it consumes and produces and (sync
// mode, SyncSystem) the services it calls. Topics
// are named without the optional prefix; every consumed topic has a
// dead-letter topic (events.DLQ) the service writes to.
type Service struct {
	Name       string
	PortOffset int
	Consumes   []string
	Produces   []string
	Calls      []string
}

// Services is the system, callers first (order-svc calls the other two in
// sync mode; stopping in this order stops taking orders before the services
// it calls go). The event flow: orders.v1 → inventory-svc → inventory.v1 →
// invoicing-svc → invoicing.v1, and order-svc following both answers. The
// saga's compensations flow back: inventory-svc releases on a declined
// payment (invoicing.v1) or a cancellation (orders.v1), invoicing-svc voids
// on a cancellation (orders.v1).
var Services = []Service{
	{Name: OrderSvc, PortOffset: 1, Consumes: []string{events.TopicInventory, events.TopicInvoicing}, Produces: []string{events.TopicOrders}},
	{Name: InventorySvc, PortOffset: 2, Consumes: []string{events.TopicOrders, events.TopicInvoicing}, Produces: []string{events.TopicInventory}},
	{Name: InvoicingSvc, PortOffset: 3, Consumes: []string{events.TopicInventory, events.TopicOrders}, Produces: []string{events.TopicInvoicing}},
}

// Names are the services' names, in Services' order.
func Names() []string {
	out := make([]string, len(Services))
	for i, s := range Services {
		out[i] = s.Name
	}
	return out
}

// Port is the service's port in a stack whose ports start at base.
func (s Service) Port(base int) int { return base + s.PortOffset }

// Of returns the named service's entry.
func Of(name string) (Service, error) {
	i := slices.IndexFunc(Services, func(s Service) bool { return s.Name == name })
	if i < 0 {
		return Service{}, fmt.Errorf("topology: no service %q", name)
	}
	return Services[i], nil
}

// MustOf is Of for names fixed in code.
func MustOf(name string) Service {
	s, err := Of(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Group is the consumer group of service in mode: "<prefix><service>.<mode>",
// one group per service, so each service sees every event once.
func Group(prefix, service, mode string) string { return prefix + service + "." + mode }

// ReplayGroupPrefix starts the name of every fresh group a replay creates
// (a new group reads a topic from offset 0 without moving the services' own).
func ReplayGroupPrefix(prefix string) string { return prefix + "replay." }

// Prefixed returns topics with prefix.
func Prefixed(prefix string, topics []string) []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = prefix + t
	}
	return out
}

// Topics is every topic the service touches: what it produces, then what it
// consumes, each once.
func (s Service) Topics() []string {
	var out []string
	for _, t := range append(append([]string{}, s.Produces...), s.Consumes...) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// AllTopics is every topic of the flow, without dead-letter topics, in flow order.
func AllTopics() []string {
	var out []string
	for _, t := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		for _, s := range Services {
			if slices.Contains(s.Topics(), t) && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}
