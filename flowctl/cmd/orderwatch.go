package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stats"
)

// watchEvent is one line of `order watch --json` (NDJSON: one per step).
type watchEvent struct {
	OrderID string  `json:"order_id"`
	Step    string  `json:"step"`
	Status  string  `json:"status"`
	AfterMS float64 `json:"after_ms"`
	Final   bool    `json:"final"`
}

const orderWatchLong = `watch polls an order and prints each new step of its timeline (placed,
reserved, invoiced, confirmed, rejected, failed) the moment it appears, with
its time after placement by the services' clocks. Without an ID it places a
new order from --item first. Handy while something is broken on purpose:

  flowctl fault set inventory --mode events --pause-consumers
  flowctl order watch --mode events --item SKU-001:1     (stays PENDING…)
  flowctl fault clear --mode events                      (…and completes)

--json prints one JSON object per step (NDJSON).`

type watchFlags struct {
	orderFlags
	timeout, every time.Duration
	customer       string
	items          []string
}

func newOrderWatchCmd(g *globals) *cobra.Command {
	f := &watchFlags{}
	c := &cobra.Command{
		Use:   "watch --mode sync|events [ID | --item SKU:QTY …]",
		Short: "Follow one order live: each step of its timeline as it happens, until it is final",
		Long:  orderWatchLong,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runWatch(c, g, f, args)
		},
	}
	f.register(c)
	c.Flags().DurationVar(&f.timeout, "timeout", time.Minute, "stop watching after this long if the order is not final")
	c.Flags().DurationVar(&f.every, "every", 20*time.Millisecond, "how often to poll")
	c.Flags().StringVar(&f.customer, "customer", "cust-watch", "customer of a new order")
	c.Flags().StringArrayVar(&f.items, "item", nil, "place a new order with SKU:QTY (repeatable) and watch it")
	return c
}

func runWatch(c *cobra.Command, g *globals, f *watchFlags, args []string) error {
	if f.timeout < time.Second {
		return fmt.Errorf("--timeout %s: use at least 1s", f.timeout)
	}
	if f.every < 5*time.Millisecond || f.every > 10*time.Second {
		return fmt.Errorf("--every %s: use 5ms to 10s", f.every)
	}
	orders, m, base, err := f.client(g)
	if err != nil {
		return err
	}
	ctx := c.Context()
	var id string
	switch {
	case len(args) == 1 && len(f.items) > 0:
		return errors.New("give an order ID or --item to place a new one, not both")
	case len(args) == 1:
		if id, err = orders.ResolveID(ctx, args[0]); err != nil {
			return explain.Unreachable(err, "order-svc at "+base, string(m))
		}
	case len(f.items) > 0:
		req, err := placeRequest(f.customer, f.items)
		if err != nil {
			return err
		}
		p, err := orders.Place(ctx, req)
		if p.Order.ID == "" {
			return explain.Unreachable(err, "order-svc at "+base, string(m))
		}
		id = p.Order.ID
		if !f.asJSON {
			fmt.Fprintf(g.env.Stdout, "POST /orders → %d: order %s\n", p.HTTPStatus, report.ShortID(id))
		}
	default:
		return errors.New("no order: give its ID (or short id), or --item SKU:QTY to place a new one")
	}
	return watchOrder(ctx, g, orders, id, f.asJSON, f.every, f.timeout)
}

// watchOrder prints each new timeline step until the order is final.
func watchOrder(ctx context.Context, g *globals, orders *api.Orders, id string, asJSON bool, every, timeout time.Duration) error {
	w := g.env.Stdout
	enc := json.NewEncoder(w)
	if !asJSON {
		fmt.Fprintf(w, "watching order %s every %s (timeout %s)\n", id, every, timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	seen := 0
	var last api.Order
	for {
		o, err := orders.Get(ctx, id)
		switch {
		case err == nil:
			last = o
			for _, s := range o.Timeline[min(seen, len(o.Timeline)):] {
				final := o.Final && s.Step == o.Timeline[len(o.Timeline)-1].Step
				if asJSON {
					if err := enc.Encode(watchEvent{OrderID: id, Step: string(s.Step), Status: string(o.Status), AfterMS: s.AfterMS, Final: final}); err != nil {
						return err
					}
				} else {
					fmt.Fprintf(w, "  %-8s %-10s %s\n", report.After(s.AfterMS), s.Step, o.Status)
				}
			}
			seen = len(o.Timeline)
			if o.Final {
				if !asJSON {
					took := "–"
					if o.TimeToFinalMS != nil {
						took = stats.Ms(*o.TimeToFinalMS)
					}
					fmt.Fprintf(w, "final: %s after %s", o.Status, took)
					if o.Reason != "" {
						fmt.Fprintf(w, " — %s", o.Reason)
					}
					fmt.Fprintln(w)
				}
				return nil
			}
		case ctx.Err() != nil:
		default:
			// order-svc may be stopped on purpose for a while: keep trying.
			if !asJSON {
				fmt.Fprintf(w, "  (order-svc does not answer: %v)\n", err)
			}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("order %s is still %s after %s; watch again, or look at `flowctl trace %s --mode …`", id, last.Status, timeout, report.ShortID(id))
			}
			return explain.Interrupted(ctx, ctx.Err())
		case <-time.After(every):
		}
	}
}
