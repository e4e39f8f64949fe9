// Package audit is the ledger check (`flowctl audit`, and the end of every
// scenario, load and bench): from the three services' own APIs only, it
// checks that every final order is consistent across them — what it holds
// of stock and money matches its status —, that each customer's charged
// credit and each SKU's stock agree with the rows behind them, and that no
// order outlives its deadline. What it cannot see is in
// docs/architecture.md §9.
package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Clients are one stack's services.
type Clients struct {
	Orders    *api.Orders
	Inventory *api.Inventory
	Invoicing *api.Invoicing
	// OrderSvc is order-svc's base URL, asked for its knobs (the deadline).
	OrderSvc string
}

// ClientsAt are the clients of the stack whose services answer at urls
// (by service name).
func ClientsAt(urls map[string]string) Clients {
	return Clients{
		Orders:    api.NewOrders(urls[topology.OrderSvc], nil),
		Inventory: api.NewInventory(urls[topology.InventorySvc], nil),
		Invoicing: api.NewInvoicing(urls[topology.InvoicingSvc], nil),
		OrderSvc:  urls[topology.OrderSvc],
	}
}

// Options tune a check.
type Options struct {
	// Mode is the stack's mode as the caller knows it; order-svc's knobs
	// must say the same (a check of the wrong stack is an error).
	Mode stackmode.Mode
	// Settle, when positive, re-checks until no breach is found or Settle
	// has passed: events mode compensates asynchronously, so right after a
	// run a cancelled order's release may still be on its way.
	Settle time.Duration
	// Poll is the pause between checks while settling (default 250ms).
	Poll time.Duration
	// Now is the clock orders' ages are taken by (default time.Now).
	Now func() time.Time
}

// Check runs the ledger check on one stack: once, or while settling until
// the ledger agrees or Settle has passed. The report is the last check's,
// with how many checks ran and how long they took.
func Check(ctx context.Context, c Clients, o Options) (Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	start := o.Now()
	for round := 1; ; round++ {
		rep, err := once(ctx, c, o)
		if err != nil {
			return rep, err
		}
		rep.Rounds, rep.TookMS = round, float64(o.Now().Sub(start).Microseconds())/1000
		if rep.OK() || o.Now().Sub(start)+o.Poll > o.Settle {
			return rep, nil
		}
		select {
		case <-ctx.Done():
			return rep, fmt.Errorf("ledger check of the %s stack: %w", o.Mode, ctx.Err())
		case <-time.After(o.Poll):
		}
	}
}

// once is one check: the deadline, a snapshot, the rules.
func once(ctx context.Context, c Clients, o Options) (Report, error) {
	dl, mode, err := deadlineOf(ctx, c.OrderSvc)
	if err != nil {
		return Report{Mode: string(o.Mode)}, err
	}
	if o.Mode != "" && mode != o.Mode {
		return Report{Mode: string(o.Mode)}, fmt.Errorf("order-svc at %s runs the %s stack, not %s: check the port base (--port-base)", c.OrderSvc, mode, o.Mode)
	}
	s, err := read(ctx, c, o.Now)
	if err != nil {
		return Report{Mode: string(mode)}, err
	}
	rep := judge(s, dl)
	rep.Mode = string(mode)
	return rep, nil
}
