package guide

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stockup"
)

// walkthroughIntro says, per mode, what the audience is about to see.
var walkthroughIntro = map[stackmode.Mode]string{
	stackmode.Sync: `sync mode: order-svc calls inventory-svc and then invoicing-svc over REST and
answers only when both have. Watch for: the answer is final (201 CONFIRMED),
and it is only as available and as fast as the slowest service behind it.`,
	stackmode.Events: `events mode: order-svc stores the order and an OrderPlaced event in one
transaction, answers 202 PENDING at once, and the rest happens over Kafka.
Watch for: fast answers that are provisional, and a stack that keeps taking
orders while a service behind it is down.`,
	stackmode.Orchestration: `events-orchestration: order-svc stores the order, its saga row and the
ReserveStock command in one transaction, answers 202 PENDING at once, then
drives the saga: it sends commands to inventory-svc and invoicing-svc over
Kafka and moves on their replies. Watch for: the same provisional answers as
choreography, and one place, order-svc, that knows where every order stands.`,
}

// walkthroughSteps are the scenarios of steps 1 and 2, with their titles.
var walkthroughSteps = []struct{ scenario, title string }{
	{"happy-path", "the happy path: nothing is broken"},
	{"downstream-down", "inventory-svc goes down while orders arrive"},
}

// tryNext closes the walkthrough: a command (after flowctl; {mode} is the
// mode) and what it shows.
var tryNext = [][2]string{
	{"fault set inventory --mode {mode} --latency 300ms", "then place orders and compare"},
	{"order watch --mode {mode} --item SKU-001:1", "one order, live"},
	{"scenario list", "every claim, measured"},
	{"compare", "every stack, a report under reports/"},
	{"dashboard", "the stacks side by side in a browser"},
	{"down", "stop everything"},
}

// printTryNext writes tryNext with flowctl as the user can type it from
// the repository root (stack.Stacks.Command: it is not on PATH).
func printTryNext(w io.Writer, flowctl string, m stackmode.Mode) {
	lines := make([]string, len(tryNext))
	width := 0
	for i, t := range tryNext {
		lines[i] = flowctl + " " + strings.ReplaceAll(t[0], "{mode}", string(m))
		width = max(width, len(lines[i]))
	}
	fmt.Fprintln(w, "\nTry next (from the repository root):")
	for i, t := range tryNext {
		fmt.Fprintf(w, "  %-*s   %s\n", width, lines[i], t[1])
	}
}

// Walkthrough brings mode's stack up where s says and runs the three steps:
// the happy path, inventory-svc down while orders arrive, and one order's
// trace. It says everything on set.Up.Progress.
func Walkthrough(ctx context.Context, s *stack.Stacks, m stackmode.Mode, set scenario.Setup) error {
	if err := set.Check(); err != nil {
		return err
	}
	w := set.Up.Progress
	env, err := scenario.EnvOnStacks(ctx, s, []stackmode.Mode{m}, set)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", walkthroughIntro[m])
	for i, step := range walkthroughSteps {
		fmt.Fprintf(w, "\n── step %d of 3: %s ──\n", i+1, step.title)
		if err := runStep(ctx, env, step.scenario, m, set); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\n── step 3 of 3: the trace of one order ──\n")
	if env.Jaeger == nil {
		fmt.Fprintln(w, "(no Jaeger in this stack: run without --no-jaeger to see traces)")
	} else if err := traceOne(ctx, env, m, w, set.Up.TTY, s.Command()); err != nil {
		return err
	}
	printTryNext(w, s.Command(), m)
	return nil
}

// runStep runs one scenario against mode's stack and shows its verdict.
func runStep(ctx context.Context, env *scenario.Env, name string, m stackmode.Mode, set scenario.Setup) error {
	sc, ok := scenario.Find(name)
	if !ok {
		return fmt.Errorf("the walkthrough's scenario %q is not registered", name)
	}
	r, err := sc.Run(ctx, env, []stackmode.Mode{m})
	set.Bar.Done()
	if err != nil {
		return explain.Interrupted(ctx, err)
	}
	report.ScenarioRun(set.Up.Progress, r, set.Up.TTY)
	return nil
}

// traceRequest is the order whose trace step 3 draws.
var traceRequest = api.PlaceRequest{CustomerID: "cust-walkthrough", Items: []api.Line{{SKU: "SKU-002", Qty: 1}, {SKU: "SKU-003", Qty: 2}}}

// traceOne places one order, follows it and draws its trace; flowctl is
// the command as typed from the repository root.
func traceOne(ctx context.Context, env *scenario.Env, m stackmode.Mode, w io.Writer, color bool, flowctl string) error {
	orders := env.Targets[m].Orders
	line, err := stockup.Ensure(ctx, env.Targets[m].Inventory, "walkthrough-trace",
		stockup.Plan{AtLeast: stockup.Need(1, func(int) api.PlaceRequest { return traceRequest })})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, line)
	p, err := orders.Place(ctx, traceRequest)
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
	report.Waterfall(w, inv, 50, color)
	fmt.Fprintln(w, "\n"+report.TraceHint(env.JaegerUI, flowctl, string(m), o.ID, o.TraceID))
	switch m {
	case stackmode.Orchestration:
		fmt.Fprintln(w, "The \"waited … in Kafka\" notes are how long each command or reply sat in Kafka between its producer and its consumer.")
	case stackmode.Events:
		fmt.Fprintln(w, "The \"waited … in Kafka\" notes are how long each event sat in Kafka between its producer and its consumer.")
	default:
		fmt.Fprintln(w, "One call stack: every span is a child of the POST /orders the client waited for.")
	}
	return nil
}
