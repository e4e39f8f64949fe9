package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/bench"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const benchLong = `bench brings the --mode stacks up (default all three) and, for each in turn (never two at once),
steps an open-loop order rate up — start, start×factor, … up to --max — until a
step is not sustainable: orders still not final --settle after the step, latency
rising while the step ran, the client unable to send on schedule, failures, or
p99 time to consistency above --p99-bound. The last sustainable step is the
mode's ceiling. Then, per mode: a separate run at half the ceiling (placement
and time to consistency p50/p99, sample counts beside them), CPU seconds per
1,000 orders and peak RSS of each process (/proc: native pid files, or the
containers' pids from docker inspect when the engine shares this kernel), and in
each events stack the backlog drain rate (inventory-svc's consumers paused
through the fault API, --drain-orders placed, resumed; events/s until its
group's lag is 0), and messages per order in the measured run: the records
produced on the stack's topics (end offsets before and after) plus the API
requests the services other than order-svc served (their /metrics), over the
orders that became final in that window. Two baselines are searched the same way in the same run: a bare 3-hop
kafka-go pipeline on the same broker (topics bench.*, deleted after) and a bare
3-hop HTTP echo chain on loopback. Results go to --out/<time>/bench.json and
bench.svg (rate → p99 time to consistency per mode, the baselines' ceilings as
reference lines) and bench.md (the table). Without an events stack
(--mode sync) there is no broker and no Kafka baseline. --replicas runs that many
replicas of a service in every stack (the runtime is asked afterwards how many ran);
every column says its replicas and the cores the machine has: with fewer cores than
processes a CPU-bound ceiling cannot rise with replicas.

  flowctl bench
  flowctl bench --mode both
  flowctl bench --mode events --replicas inventory=3   (the ceiling with 3 replicas; PostgreSQL)
  flowctl bench --start 20 --max 400 --step-duration 5s --runtime native`

// benchFlags are bench's flags: the search bounds and the setup.
type benchFlags struct {
	cfg  bench.Config
	set  bench.Setup
	up   upFlags
	mode string
	// replicas is --replicas as typed (stack.ParseReplicas reads it).
	replicas     string
	asJSON, wait bool
}

func newBenchCmd(g *globals) *cobra.Command {
	f := &benchFlags{cfg: bench.DefaultConfig()}
	c := &cobra.Command{
		Use:   "bench [--mode all] [--replicas SVC=N] [--start R] [--factor F] [--max R] [--step-duration D] [--p99-bound D]",
		Short: "Find each stack's highest sustainable rate and messages per order side by side, with a bare Kafka pipeline and a bare HTTP chain as baselines",
		Long:  benchLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes, err := stackmode.ParseList(f.mode)
			if err != nil {
				return err
			}
			f.set.Modes = modes
			if f.set.Replicas, err = stack.ParseReplicas(f.replicas, stack.AllServices()); err != nil {
				return err
			}
			lease, err := g.hold(c, modes, f.wait)
			if err != nil {
				return err
			}
			defer lease.Release()
			f.set.Up = f.up.options(g.progress(f.asJSON))
			res, files, err := bench.OnStacks(c.Context(), g.stacks, f.cfg, f.set)
			if err != nil {
				return explain.StartFailure(g.env.Stderr, explain.Interrupted(c.Context(), err))
			}
			if f.asJSON {
				return printJSON(g.env.Stdout, res)
			}
			fmt.Fprintln(g.env.Stdout)
			bench.Print(g.env.Stdout, res)
			fmt.Fprintf(g.env.Stdout, "\nreport: %s\n", strings.Join(files, ", "))
			return nil
		},
	}
	f.register(c)
	return c
}

func (f *benchFlags) register(c *cobra.Command) {
	cfg, fl := &f.cfg, c.Flags()
	fl.Float64Var(&cfg.Start, "start", cfg.Start, "first step's rate (orders, events or requests per second)")
	fl.Float64Var(&cfg.Factor, "factor", cfg.Factor, "each step's rate is the last one's times this")
	fl.Float64Var(&cfg.Max, "max", cfg.Max, "highest rate tried; a target still sustainable there is reported as ≥ max")
	fl.Float64Var(&cfg.BaselineMax, "baseline-max", cfg.BaselineMax, "highest rate tried on the baselines (they usually go well past the modes)")
	fl.DurationVar(&cfg.StepDuration, "step-duration", cfg.StepDuration, "how long each step (and the measured run at half the ceiling) sends for")
	fl.DurationVar(&cfg.Settle, "settle", cfg.Settle, "how long after a step its orders may take to become final; more is a backlog")
	fl.DurationVar(&cfg.Pause, "pause", cfg.Pause, "quiet time between steps")
	fl.DurationVar(&cfg.P99Bound, "p99-bound", cfg.P99Bound, "highest p99 time to consistency (end to end for a baseline) a sustainable step may have")
	fl.IntVar(&cfg.Retries, "retries", cfg.Retries, "runs a step that was not sustainable gets again before it counts (a shared machine stalls now and then)")
	fl.IntVar(&cfg.Refine, "refine", cfg.Refine, "bisections between the ceiling and the first step past it (1 narrows a factor of 2 to √2)")
	fl.StringVar(&f.mode, "mode", "all", "sync, events, events-orchestration, both (sync and events) or all")
	fl.StringVar(&f.replicas, "replicas", "", "replicas per service in every stack benched, e.g. inventory=3 or inventory-svc=3,order=2 (needs the stacks on PostgreSQL); the table says the replicas and the cores beside each ceiling")
	fl.IntVar(&f.set.DrainOrders, "drain-orders", 1000, "orders placed behind inventory-svc's paused consumers (events mode) to measure the drain")
	fl.StringVar(&f.set.Out, "out", "reports", "directory the report goes under (relative to the repository root)")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON (progress goes to stderr)")
	fl.BoolVar(&f.wait, "wait", false, waitUsage)
	fl.BoolVar(&f.up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger (the services then export no traces)")
	fl.BoolVar(&f.up.build, "build", false, "docker runtime: rebuild the service images")
}
