package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
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
	c, runDir, base, _ := nativeCLI(t)
	external := os.Getenv("KAFKA_BROKERS")
	if external != "" {
		c.env["KAFKA_BROKERS"] = external
		c.env["KAFKA_TOPIC_PREFIX"] = fmt.Sprintf("crash-%d-", time.Now().UnixNano())
	}
	if out, stderr, err := c.run("up", "--mode", "events", "--no-jaeger"); err != nil {
		t.Fatalf("up: %v\n%s\n%s", err, out, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	urls := stack.StackURLs(base, config.ModeEvents)
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
	wg.Go(func() {
		res, loadErr = load.Run(ctx, load.Config{Orders: orders, Rate: rate, Count: n})
	})
	// One break every second while the orders flow (6 s of load).
	breaks := []string{"inventory", "invoicing", "order"}
	if external == "" {
		breaks = append(breaks, "kafka")
	}
	for _, target := range breaks {
		time.Sleep(time.Second)
		if target == "kafka" {
			if out, _, err := c.run("stop", "kafka"); err != nil {
				t.Fatalf("stop kafka: %v\n%s", err, out)
			}
			if out, _, err := c.run("start", "kafka"); err != nil {
				t.Fatalf("start kafka: %v\n%s", err, out)
			}
			continue
		}
		svc := target + "-svc"
		pid, err := stack.ReadPIDFile(stack.Layout{RunDir: runDir}.ServicePID(config.ModeEvents, svc))
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(-pid.PID, syscall.SIGKILL); err != nil {
			t.Fatalf("kill %s: %v", svc, err)
		}
		t.Logf("killed %s (pid %d) with SIGKILL", svc, pid.PID)
		port := stack.ServicePort(base, config.ModeEvents, svc)
		for deadline := time.Now().Add(10 * time.Second); stack.CheckPortFree(port, svc) != nil; {
			if time.Now().After(deadline) {
				t.Fatalf("%s's port %d still taken 10 s after SIGKILL", svc, port)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if out, stderr, err := c.run("start", target, "--mode", "events"); err != nil {
			t.Fatalf("start %s: %v\n%s\n%s", svc, err, out, stderr)
		}
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
