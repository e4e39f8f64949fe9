// Package scenario holds what flowctl runs against a stack: the one list of
// the scenarios (each a package of its own below, built from kit) that put
// the article's claims to the test, and the demo's script (a fixed mix of
// orders, placed one after the other, each followed until its status is
// final, then its trace looked up in Jaeger).
package scenario

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stockup"
	"github.com/orderflow/platform/topology"
)

// ScarceSKU has 3 on hand in the seeded catalogue; the mix orders 5 of it once,
// so every run shows a rejection.
const ScarceSKU = kit.ScarceSKU

// Mix is the demo's n orders (n ≥ 2): normal orders over SKU-001…SKU-004 with
// varying quantities and line counts, and, fourth (or last when n < 4), the
// order of 5 × SKU-005 that is always rejected.
func Mix(n int) []api.PlaceRequest {
	normal := []api.PlaceRequest{
		{CustomerID: "cust-ada", Items: []api.Line{{SKU: "SKU-001", Qty: 2}}},
		{CustomerID: "cust-grace", Items: []api.Line{{SKU: "SKU-002", Qty: 1}, {SKU: "SKU-003", Qty: 4}}},
		{CustomerID: "cust-linus", Items: []api.Line{{SKU: "SKU-004", Qty: 1}}},
		{CustomerID: "cust-barbara", Items: []api.Line{{SKU: "SKU-003", Qty: 2}}},
		{CustomerID: "cust-ken", Items: []api.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-004", Qty: 2}}},
		{CustomerID: "cust-margaret", Items: []api.Line{{SKU: "SKU-002", Qty: 3}}},
		{CustomerID: "cust-dennis", Items: []api.Line{{SKU: "SKU-001", Qty: 5}, {SKU: "SKU-002", Qty: 1}, {SKU: "SKU-003", Qty: 1}}},
	}
	scarce := api.PlaceRequest{CustomerID: "cust-edsger", Items: []api.Line{{SKU: ScarceSKU, Qty: 5}}}
	at := min(3, n-1)
	out := make([]api.PlaceRequest, 0, n)
	for i, k := 0, 0; i < n; i++ {
		if i == at {
			out = append(out, scarce)
			continue
		}
		out = append(out, normal[k%len(normal)])
		k++
	}
	return out
}

// ScarceAvailable is how many units of ScarceSKU the demo sets available
// before it places the mix: fewer than the scarce order asks for.
const ScarceAvailable = 3

// DemoStock is the stock the mix of n orders needs: enough of every SKU,
// and exactly ScarceAvailable of ScarceSKU, so its order is rejected every time.
func DemoStock(n int) stockup.Plan {
	mix := Mix(n)
	need := stockup.Need(n, func(i int) api.PlaceRequest { return mix[i] })
	delete(need, ScarceSKU)
	return stockup.Plan{AtLeast: need, Exactly: map[string]int{ScarceSKU: ScarceAvailable}}
}

// DemoConfig is one demo run.
type DemoConfig struct {
	Orders *api.Orders
	// Inventory, when set, is given the stock the mix needs first (DemoStock).
	Inventory *api.Inventory
	// Say, when set, prints a step (the stock line).
	Say func(string)
	// Jaeger, when set, is asked for each order's trace.
	Jaeger *api.Jaeger
	N      int
	// PollEvery is how often a non-final order is fetched again.
	PollEvery time.Duration
	// SettleTimeout bounds the wait for every order to become final.
	SettleTimeout time.Duration
	// TraceTimeout bounds the wait for the traces: services export spans in
	// batches, so the last ones arrive a second or so after the order settled.
	TraceTimeout time.Duration
	// Placed, if set, is called after each POST (for live progress).
	Placed func(OrderResult)
}

// OrderResult is one order of the run.
type OrderResult struct {
	N           int              `json:"n"`
	Request     api.PlaceRequest `json:"request"`
	HTTPStatus  int              `json:"http_status"`
	PlacementMS float64          `json:"placement_ms"`
	// Order is the order as last fetched.
	Order api.Order `json:"order"`
	// Problem is the POST's problem (409, 503) or error, if any.
	Problem     string            `json:"problem,omitempty"`
	TraceURL    string            `json:"trace_url,omitempty"`
	TraceAPIURL string            `json:"trace_api_url,omitempty"`
	Trace       *api.TraceSummary `json:"trace,omitempty"`
}

// DemoResult is a whole demo run.
type DemoResult struct {
	Mode     string `json:"mode"`
	OrderURL string `json:"order_url"`
	Jaeger   bool   `json:"jaeger"`
	// JaegerUI: Jaeger's own UI answers (Docker), so its links are printed.
	JaegerUI bool          `json:"jaeger_ui"`
	Orders   []OrderResult `json:"orders"`
}

// Demo places the mix, waits for every order to become final and, with
// Jaeger, for their traces.
func Demo(ctx context.Context, c DemoConfig) ([]OrderResult, error) {
	if c.N < 2 {
		return nil, fmt.Errorf("--orders %d: use at least 2 (one of them is the always-rejected %s order)", c.N, ScarceSKU)
	}
	if c.Inventory != nil {
		line, err := stockup.Ensure(ctx, c.Inventory, "demo", DemoStock(c.N))
		if err != nil {
			return nil, err
		}
		if c.Say != nil {
			c.Say(line)
		}
	}
	var out []OrderResult
	for i, req := range Mix(c.N) {
		r := OrderResult{N: i + 1, Request: req}
		start := time.Now()
		p, err := c.Orders.Place(ctx, req)
		r.PlacementMS = float64(time.Since(start).Microseconds()) / 1000
		r.HTTPStatus, r.Order = p.HTTPStatus, p.Order
		if err != nil {
			pe, ok := errors.AsType[*api.ProblemError](err)
			if !ok {
				return out, fmt.Errorf("place order %d: %w", i+1, err)
			}
			r.Problem = pe.Error()
		}
		out = append(out, r)
		if c.Placed != nil {
			c.Placed(r)
		}
	}
	if err := settle(ctx, c, out); err != nil {
		return out, err
	}
	if c.Jaeger != nil {
		for i := range out {
			if id := out[i].Order.TraceID; id != "" {
				out[i].TraceURL, out[i].TraceAPIURL = c.Jaeger.TraceURL(id), c.Jaeger.TraceAPIURL(id)
			}
		}
		traces(ctx, c, out)
	}
	return out, nil
}

// settle follows every placed order until it is final or SettleTimeout
// passes; the report shows which never became final.
func settle(ctx context.Context, c DemoConfig, rs []OrderResult) error {
	orders := make([]*api.Order, 0, len(rs))
	for i := range rs {
		if rs[i].Order.ID != "" {
			orders = append(orders, &rs[i].Order)
		}
	}
	_, err := load.FollowOrders(ctx, orders, c.Orders, load.FollowConfig{Every: c.PollEvery, Timeout: c.SettleTimeout})
	return err
}

// expected are the services whose spans a complete trace holds for a final
// status: a rejected order never reaches invoicing-svc.
func expected(status string) []string {
	switch status {
	case "CONFIRMED":
		return []string{topology.OrderSvc, topology.InventorySvc, topology.InvoicingSvc}
	case "REJECTED":
		return []string{topology.OrderSvc, topology.InventorySvc}
	default:
		return []string{topology.OrderSvc}
	}
}

// complete says whether a trace has spans of every expected service; names
// carry the mode as a suffix ("order-svc.events").
func complete(t *api.TraceSummary, status string) bool {
	if t == nil {
		return false
	}
	for _, want := range expected(status) {
		found := false
		for _, s := range t.Services {
			if s == want || strings.HasPrefix(s, want+".") {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// traces polls Jaeger until every order's trace is complete and its span
// count held still for one round (a batch can land after the services are
// all present), or the deadline passes. What it has by then is reported.
func traces(ctx context.Context, c DemoConfig, rs []OrderResult) {
	ctx, cancel := context.WithTimeout(ctx, c.TraceTimeout)
	defer cancel()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	prev := map[int]int{}
	for {
		done := true
		for i := range rs {
			r := &rs[i]
			if r.Order.TraceID == "" {
				continue
			}
			t, err := c.Jaeger.Trace(ctx, r.Order.TraceID)
			if err == nil {
				r.Trace = &t
			}
			if err != nil || !complete(r.Trace, string(r.Order.Status)) || prev[i] != t.Spans {
				done = false
			}
			prev[i] = t.Spans
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
