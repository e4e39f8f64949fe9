package main

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stockup"
)

// TestEventsLoseNothingWhenProcessesAreKilled places orders at a steady rate
// on the events stack (real processes) while each service in turn is killed
// with SIGKILL and started again, and — on the embedded broker — while the
// broker restarts with its data. Afterwards every accepted order is final,
// every confirmed order has exactly one invoice, the invoice count grew by
// the confirmed count, and the stock reserved grew by exactly the confirmed
// orders' quantities: nothing lost, nothing applied twice. With KAFKA_BROKERS
// set (CI) it runs against that broker, under a topic prefix of its own.
func TestEventsLoseNothingWhenProcessesAreKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the events stack as processes; skipped with -short")
	}
	ks := upKillStack(t, "crash", os.Getenv("KAFKA_BROKERS"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	urls := stack.StackURLs(ks.base, stackmode.Events)
	orders := api.NewOrders(urls["order-svc"], nil)
	inv := api.NewInventory(urls["inventory-svc"], nil)
	invoicing := api.NewInvoicing(urls["invoicing-svc"], nil)

	const n, rate = 240, 40.0
	if _, err := stockup.Ensure(ctx, inv, "crash-test", stockup.Plan{AtLeast: stockup.Need(n, load.Mix)}); err != nil {
		t.Fatal(err)
	}
	reservedBefore := reservedBySKU(ctx, t, inv)
	totalsBefore, err := invoicing.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var res load.Result
	var loadErr error
	var wg sync.WaitGroup
	var got answered
	wg.Go(func() {
		res, loadErr = load.Run(ctx, load.Config{Orders: orders, Rate: rate, Count: n, Placed: func(load.Placed) { got.add() }})
	})
	// One break every 40 orders (a second of load) while the orders flow.
	breaks := ks.breaks()
	for i, target := range breaks {
		got.waitFor(ctx, t, (i+1)*n/6, 30*time.Second)
		if target == brokerBreak {
			ks.restartBroker()
			continue
		}
		ks.kill(target)
		ks.start(target)
	}
	wg.Wait()
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	if _, err := load.Follow(ctx, &res, orders, load.FollowConfig{Timeout: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}

	accepted, confirmed := 0, 0
	wantReserved := map[string]int{}
	for _, p := range res.Orders {
		if p.HTTPStatus < 200 || p.HTTPStatus > 299 {
			continue // refused while order-svc was down: the client knows
		}
		accepted++
		if !p.Order.Final {
			t.Errorf("order %s accepted (%d) but still %s", p.Order.ID, p.HTTPStatus, p.Order.Status)
			continue
		}
		if p.Order.Status != "CONFIRMED" {
			t.Errorf("order %s ended %s (%s), want CONFIRMED: stock was received for every order", p.Order.ID, p.Order.Status, p.Order.Reason)
			continue
		}
		confirmed++
		for _, l := range p.Request.Items {
			wantReserved[l.SKU] += l.Qty
		}
		if _, ok, err := invoicing.ByOrder(ctx, p.Order.ID); err != nil || !ok {
			t.Errorf("confirmed order %s has no invoice (%v)", p.Order.ID, err)
		}
	}
	if accepted < n/2 {
		t.Fatalf("only %d of %d orders were accepted: the breaks took too long to measure anything", accepted, n)
	}
	totalsAfter, err := invoicing.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := totalsAfter.Count - totalsBefore.Count; got != confirmed {
		t.Errorf("%d invoices issued for %d confirmed orders: one per order expected", got, confirmed)
	}
	reservedAfter := reservedBySKU(ctx, t, inv)
	for sku, want := range wantReserved {
		if got := reservedAfter[sku] - reservedBefore[sku]; got != want {
			t.Errorf("%s: reserved grew by %d, the confirmed orders hold %d", sku, got, want)
		}
	}
	t.Logf("%d of %d orders accepted through %v, all %d confirmed exactly once", accepted, n, breaks, confirmed)
}

func reservedBySKU(ctx context.Context, t *testing.T, inv *api.Inventory) map[string]int {
	t.Helper()
	items, err := inv.Stock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range items {
		out[it.SKU] = it.Reserved
	}
	return out
}
