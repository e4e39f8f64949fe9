package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/cmd"
	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// checkStockAndReset runs on stacks that already served the scenarios:
// (1) with the demo's SKUs exhausted by hand, a scenario still passes because
// it receives the goods it needs first; (2) reset brings both stacks back to
// their first start: no orders, the seeded stock, an empty event log, and a
// working flow afterwards.
func checkStockAndReset(t *testing.T, c *cli, base int, brokers []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	inv := map[stackmode.Mode]*api.Inventory{}
	orders := map[stackmode.Mode]*api.Orders{}
	for _, m := range stackmode.Both {
		urls := stack.StackURLs(base, m)
		inv[m], orders[m] = api.NewInventory(urls["inventory-svc"], nil), api.NewOrders(urls["order-svc"], nil)
	}

	t.Run("a scenario after the stock ran out", func(t *testing.T) {
		for _, m := range stackmode.Both {
			for _, sku := range []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"} {
				it, err := inv[m].StockOf(ctx, sku)
				if err != nil {
					t.Fatal(err)
				}
				if it.Available == 0 {
					continue
				}
				if _, err := inv[m].Adjust(ctx, sku, -it.Available, "e2e: sold out", ""); err != nil {
					t.Fatalf("write off %s (%s): %v", sku, m, err)
				}
			}
		}
		out, stderr, err := c.run("scenario", "happy-path", "--mode", "both", "--orders", "8", "--rate", "20")
		if err != nil {
			t.Fatalf("happy-path after the stock ran out: %v\n%s\n%s", err, out, stderr)
		}
		for _, want := range []string{"stock for happy-path-sync:", "stock for happy-path-events:", "(receipt +"} {
			if !strings.Contains(out+stderr, want) {
				t.Errorf("the output does not say %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "REJECTED") {
			t.Errorf("orders were rejected although the scenario received its stock:\n%s", out)
		}
	})

	t.Run("reset brings both stacks back to their first start", func(t *testing.T) {
		var no bytes.Buffer
		refuse := cmd.New(cmd.Env{Getenv: c.getenv, Stdout: &no, Stderr: &no, Dir: ".", Stdin: strings.NewReader("no\n")})
		refuse.SetArgs(append([]string{"reset", "--mode", "both"}, c.common...))
		if err := refuse.ExecuteContext(ctx); err == nil || !strings.Contains(err.Error(), "nothing was deleted") {
			t.Fatalf("reset answered \"no\" = %v, want a refusal\n%s", err, no.String())
		}
		if os, _ := orders[stackmode.Events].List(ctx, 5); len(os) == 0 {
			t.Fatal("an unconfirmed reset deleted the orders")
		}
		out, stderr, err := c.run("reset", "--mode", "both", "--yes")
		if err != nil {
			t.Fatalf("reset: %v\n%s\n%s", err, out, stderr)
		}
		t.Log(out)
		for _, m := range stackmode.Both {
			if os, err := orders[m].List(ctx, 5); err != nil || len(os) != 0 {
				t.Errorf("%s: %d orders after reset (%v), want none", m, len(os), err)
			}
			if it, err := inv[m].StockOf(ctx, "SKU-004"); err != nil || it.OnHand != 5000 || it.Reserved != 0 {
				t.Errorf("%s: SKU-004 after reset = %+v, %v; want the seeded 5000 on hand, none reserved", m, it, err)
			}
		}
		recs, err := kafkalog.ReadAll(ctx, brokers, "orders.v1")
		if err != nil || len(recs) != 0 {
			t.Errorf("orders.v1 after reset: %d records, %v; want an empty topic", len(recs), err)
		}
		// The flow works on the fresh stacks.
		for _, m := range stackmode.Both {
			out, _, err := c.run("order", "watch", "--mode", string(m), "--item", "SKU-002:1")
			if err != nil || !strings.Contains(out, "final: CONFIRMED") {
				t.Errorf("%s: an order after reset: %v\n%s", m, err, out)
			}
		}
	})
}
