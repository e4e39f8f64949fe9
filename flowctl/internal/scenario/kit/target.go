package kit

import (
	"context"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Control is what a scenario may do to the runtime the stacks run in: the
// runtime itself (stack.Runtime), so every caller sees one view of it.
type Control = stack.Runtime

// Target is one running stack.
type Target struct {
	Mode      stackmode.Mode
	URLs      map[string]string // by service
	Orders    *api.Orders
	Inventory *api.Inventory
	Invoicing *api.Invoicing
	// Admin is each service's fault-injection client, by service.
	Admin map[string]*api.Admin
}

// NewTarget builds the clients of a stack whose services answer at urls.
func NewTarget(mode stackmode.Mode, urls map[string]string, adminToken string) Target {
	t := Target{
		Mode:      mode,
		URLs:      urls,
		Orders:    api.NewOrders(urls[topology.OrderSvc], nil),
		Inventory: api.NewInventory(urls[topology.InventorySvc], nil),
		Invoicing: api.NewInvoicing(urls[topology.InvoicingSvc], nil),
		Admin:     map[string]*api.Admin{},
	}
	for svc, u := range urls {
		t.Admin[svc] = api.NewAdmin(u, svc, adminToken, nil)
	}
	return t
}

// ReachReplicas makes every fault call of t go to each replica of the
// service on its own, listed by the runtime rt returns at each call (a
// scale may run between two calls); a runtime that cannot list them makes
// the call reach one replica of an unknown number, and say so.
func (t Target) ReachReplicas(rt func(context.Context) (stack.Runtime, error)) {
	for svc, a := range t.Admin {
		a.EachReplica(stack.AdminReplicas(rt, t.Mode, svc))
	}
}

// ListLimit is how many of the newest orders order-svc's API lists at once
// (it has no paging): what a snapshot, a sync reader or a history sees.
const ListLimit = 500

// Size scales the scenarios: the defaults make a workshop run; tests pass
// smaller numbers.
type Size struct {
	// Orders per measured batch and the rate they are sent at.
	Orders int
	Rate   float64
	// DownFor is how long a service or the broker stays down;
	// independent-evolution lets half of it pass around each restart.
	DownFor time.Duration
	// Latency is what slow-downstream adds to inventory-svc.
	Latency time.Duration
	// Settle bounds the wait for orders to become final.
	Settle time.Duration
}

// DefaultSize is a workshop run: about a minute for every scenario on both
// modes, natively.
var DefaultSize = Size{Orders: 40, Rate: 20, DownFor: 5 * time.Second, Latency: 300 * time.Millisecond, Settle: 90 * time.Second}
