package cmd

import (
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/orderwatch"
)

const orderWatchLong = `watch polls an order and prints each new step of its timeline (placed,
reserved, invoiced, confirmed, rejected; the saga's declined, released,
voided, cancelled, failed) the moment it appears, with its time after
placement by the services' clocks, and how the order ended and why. A FAILED
or CANCELLED order is watched on until what it held is undone (released,
voided). Without an ID it places a new order from --item first. Handy while
something is broken on purpose:

  flowctl fault set inventory --mode events --pause-consumers
  flowctl order watch --mode events --item SKU-001:1     (stays PENDING…)
  flowctl fault clear --mode events                      (…and completes)

  flowctl fault set invoicing --mode events --decline-rate 1
  flowctl order watch --mode events --item SKU-001:1     (declined, released, FAILED)

--json prints one JSON object per step (NDJSON).

Exit status: 0 when the order is done (final, whatever its status, and
nothing left to undo); 2 when --timeout passes first — the expected end while
a consumer is paused, as in the exercises; 1 for anything else.`

type watchFlags struct {
	orderFlags
	timeout, every time.Duration
	customer       string
	items          []string
}

func newOrderWatchCmd(g *globals) *cobra.Command {
	f := &watchFlags{}
	c := &cobra.Command{
		Use:   "watch --mode sync|events|events-orchestration [ID | --item SKU:QTY …]",
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
	cfg := orderwatch.Config{Every: f.every, Timeout: f.timeout, JSON: f.asJSON}
	if err := cfg.Check(); err != nil {
		return err
	}
	orders, m, base, err := f.client(g)
	if err != nil {
		return err
	}
	o, err := f.order(args)
	if err != nil {
		return err
	}
	return orderwatch.Run(c.Context(), orderwatch.Stack{Orders: orders, Base: base, Mode: m}, o, cfg, g.env.Stdout)
}

// order is the order to watch: the ID argument, or a new one from --item.
func (f *watchFlags) order(args []string) (orderwatch.Order, error) {
	switch {
	case len(args) == 1 && len(f.items) > 0:
		return orderwatch.Order{}, errors.New("give an order ID or --item to place a new one, not both")
	case len(args) == 1:
		return orderwatch.Order{ID: args[0]}, nil
	case len(f.items) > 0:
		req, err := placeRequest(f.customer, f.items)
		return orderwatch.Order{Place: &req}, err
	default:
		return orderwatch.Order{}, errors.New("no order: give its ID (or short id), or --item SKU:QTY to place a new one")
	}
}
