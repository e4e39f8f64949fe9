package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stockup"
)

// walkthroughIntro says, per mode, what the audience is about to see.
var walkthroughIntro = map[config.Mode]string{
	config.ModeSync: `sync mode: order-svc calls inventory-svc and then invoicing-svc over REST and
answers only when both have. Watch for: the answer is final (201 CONFIRMED),
and it is only as available and as fast as the slowest service behind it.`,
	config.ModeEvents: `events mode: order-svc stores the order and an OrderPlaced event in one
transaction, answers 202 PENDING at once, and the rest happens over Kafka.
Watch for: fast answers that are provisional, and a stack that keeps taking
orders while a service behind it is down.`,
}

const walkthroughLong = `walkthrough brings the stack up and runs three steps with a few words on what
to look at: (1) the happy path — placement latency and time to consistency;
(2) inventory-svc stopped while orders arrive, then started again; (3) one
order's trace as a waterfall, with the Jaeger link. It ends with the commands
to try next. 'make demo-sync' and 'make demo-events' run it.`

type walkthroughFlags struct {
	scenarioFlags
	mode string
}

func newWalkthroughCmd(g *globals) *cobra.Command {
	f := &walkthroughFlags{}
	c := &cobra.Command{
		Use:   "walkthrough --mode sync|events",
		Short: "A guided tour of one mode: the happy path, inventory down, the trace of one order",
		Long:  walkthroughLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runWalkthrough(c, g, f)
		},
	}
	c.Flags().StringVar(&f.mode, "mode", "", "sync or events (required)")
	f.register(c)
	_ = c.Flags().Set("orders", "20")
	_ = c.Flags().Set("down-for", "3s")
	return c
}

func runWalkthrough(c *cobra.Command, g *globals, f *walkthroughFlags) error {
	m, err := stack.ParseMode(f.mode)
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	w := g.env.Stdout
	ctx := c.Context()
	env, bar, err := scenarioEnv(ctx, g, &f.scenarioFlags, []config.Mode{m}, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", walkthroughIntro[m])
	steps, err := scenario.Lookup([]string{"happy-path", "downstream-down"})
	if err != nil {
		return err
	}
	titles := []string{"the happy path: nothing is broken", "inventory-svc goes down while orders arrive"}
	for i, s := range steps {
		fmt.Fprintf(w, "\n── step %d of 3: %s ──\n", i+1, titles[i])
		r, err := s.Run(ctx, env, []config.Mode{m})
		bar.Done()
		if err != nil {
			return explain.Interrupted(ctx, err)
		}
		report.ScenarioRun(w, r, isTerminal(w))
	}
	fmt.Fprintf(w, "\n── step 3 of 3: the trace of one order ──\n")
	if env.Jaeger == nil {
		fmt.Fprintln(w, "(no Jaeger in this stack: run without --no-jaeger to see traces)")
	} else if err := walkthroughTrace(c, g, env, m, w); err != nil {
		return err
	}
	fmt.Fprintf(w, `
Try next:
  flowctl fault set inventory --mode %[1]s --latency 300ms     then place orders and compare
  flowctl order watch --mode %[1]s --item SKU-001:1            one order, live
  flowctl scenario list                                        every claim, measured
  flowctl compare                                              both modes, a report under reports/
  flowctl dashboard                                            both modes side by side in a browser
  flowctl down                                                 stop everything
`, m)
	return nil
}

// walkthroughTrace places one order, follows it and draws its trace.
func walkthroughTrace(c *cobra.Command, g *globals, env *scenario.Env, m config.Mode, w io.Writer) error {
	ctx := c.Context()
	orders := env.Targets[m].Orders
	req := api.PlaceRequest{CustomerID: "cust-walkthrough", Items: []api.Line{{SKU: "SKU-002", Qty: 1}, {SKU: "SKU-003", Qty: 2}}}
	line, err := stockup.Ensure(ctx, env.Targets[m].Inventory, "walkthrough-trace", stockup.Plan{AtLeast: stockup.Need(1, func(int) api.PlaceRequest { return req })})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, line)
	p, err := orders.Place(ctx, req)
	if err != nil {
		return fmt.Errorf("place the order to trace: %w", err)
	}
	o := p.Order
	for deadline := time.Now().Add(30 * time.Second); !o.Final && time.Now().Before(deadline); {
		time.Sleep(25 * time.Millisecond)
		if o, err = orders.Get(ctx, p.Order.ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "order %s: %s; its spans as Jaeger has them:\n\n", o.ID, o.Status)
	inv, err := investigate.Await(ctx, env.Jaeger, investigate.InputFor(o, m), o.UpdatedAt)
	if err != nil {
		return explain.Interrupted(ctx, err)
	}
	report.Waterfall(w, inv, 50, isTerminal(w))
	fmt.Fprintf(w, "\nIn Jaeger: %s/trace/%s\n", stack.JaegerUI, o.TraceID)
	if m == config.ModeEvents {
		fmt.Fprintln(w, "The \"waited … in Kafka\" notes are how long each event sat in Kafka between its producer and its consumer.")
	} else {
		fmt.Fprintln(w, "One call stack: every span is a child of the POST /orders the client waited for.")
	}
	return nil
}
