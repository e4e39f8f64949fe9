package cmd

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/bench"
	"github.com/orderflow/flowctl/internal/stack"
)

func newBenchCmd(g *globals) *cobra.Command {
	var up upFlags
	cfg := bench.DefaultConfig()
	var drainOrders int
	var out string
	var asJSON bool
	c := &cobra.Command{
		Use:   "bench [--start R] [--factor F] [--max R] [--step-duration D] [--p99-bound D]",
		Short: "Find each mode's highest sustainable rate side by side, with a bare Kafka pipeline and a bare HTTP chain as baselines",
		Long: `bench brings both stacks up and, for each mode in turn (never both at once),
steps an open-loop order rate up — start, start×factor, … up to --max — until a
step is not sustainable: orders still not final --settle after the step, latency
rising while the step ran, the client unable to send on schedule, failures, or
p99 time to consistency above --p99-bound. The last sustainable step is the
mode's ceiling. Then, per mode: a separate run at half the ceiling (placement
and time to consistency p50/p99, sample counts beside them), CPU seconds per
1,000 orders and peak RSS of each process (/proc: native pid files, or the
containers' pids from docker inspect when the engine shares this kernel), and in
events mode the backlog drain rate (inventory-svc's consumers paused through
the fault API, --drain-orders placed, resumed; events/s until its group's lag
is 0). Two baselines are searched the same way in the same run: a bare 3-hop
kafka-go pipeline on the same broker (topics bench.*, deleted after) and a bare
3-hop HTTP echo chain on loopback. Results go to --out/<time>/bench.json and
bench.svg (rate → p99 time to consistency per mode, the baselines' ceilings as
reference lines).

  flowctl bench
  flowctl bench --start 20 --max 400 --step-duration 5s --runtime native`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := cfg.Check(); err != nil {
				return err
			}
			if drainOrders < 1 || drainOrders > 100000 {
				return fmt.Errorf("--drain-orders %d: use 1 to 100000", drainOrders)
			}
			progress := g.env.Stdout
			if asJSON {
				progress = g.env.Stderr
			}
			ctx := c.Context()
			l, err := g.layout()
			if err != nil {
				return err
			}
			tok, err := g.stacks.Token()
			if err != nil {
				return err
			}
			var targets []bench.Target
			var brokers []string
			var rt stack.Runtime
			for _, m := range []config.Mode{config.ModeSync, config.ModeEvents} {
				st, err := bringUp(ctx, g, m, up, progress)
				if err != nil {
					return err
				}
				if rt, err = g.stacks.Runtime(ctx); err != nil {
					return err
				}
				si := bench.StackInfo{Mode: m, URLs: st.URLs, Brokers: st.Brokers, AdminToken: tok,
					TopicPrefix: g.stacks.TopicPrefix, Runtime: rt}
				if len(st.Brokers) > 0 {
					brokers = st.Brokers
				}
				targets = append(targets, bench.ModeTarget(si))
			}
			runtime := rt.Runtime()
			if v := g.stacks.ExternalBrokers; v != "" && slices.Equal(brokers, g.stacks.Brokers) {
				runtime += ", Kafka at " + v
			}
			targets = append(targets, bench.KafkaTarget(brokers, g.stacks.ReplicationFactor), bench.EchoTarget())
			res, err := bench.Run(ctx, cfg, targets, bench.Options{Runtime: runtime, DrainOrders: drainOrders,
				Say: func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) }})
			if err != nil {
				return ctxErr(ctx, err)
			}
			if !filepath.IsAbs(out) {
				out = filepath.Join(l.Root, out)
			}
			files, err := bench.WriteReport(filepath.Join(out, res.Started.Local().Format("20060102-150405")), res)
			if err != nil {
				return fmt.Errorf("write the bench report: %w", err)
			}
			if asJSON {
				return printJSON(g.env.Stdout, res)
			}
			fmt.Fprintln(g.env.Stdout)
			bench.Print(g.env.Stdout, res)
			rel := make([]string, len(files))
			for i, f := range files {
				rel[i] = l.Rel(f)
			}
			fmt.Fprintf(g.env.Stdout, "\nreport: %s\n", strings.Join(rel, ", "))
			return nil
		},
	}
	c.Flags().Float64Var(&cfg.Start, "start", cfg.Start, "first step's rate (orders, events or requests per second)")
	c.Flags().Float64Var(&cfg.Factor, "factor", cfg.Factor, "each step's rate is the last one's times this")
	c.Flags().Float64Var(&cfg.Max, "max", cfg.Max, "highest rate tried; a target still sustainable there is reported as ≥ max")
	c.Flags().Float64Var(&cfg.BaselineMax, "baseline-max", cfg.BaselineMax, "highest rate tried on the baselines (they usually go well past the modes)")
	c.Flags().DurationVar(&cfg.StepDuration, "step-duration", cfg.StepDuration, "how long each step (and the measured run at half the ceiling) sends for")
	c.Flags().DurationVar(&cfg.Settle, "settle", cfg.Settle, "how long after a step its orders may take to become final; more is a backlog")
	c.Flags().DurationVar(&cfg.Pause, "pause", cfg.Pause, "quiet time between steps")
	c.Flags().DurationVar(&cfg.P99Bound, "p99-bound", cfg.P99Bound, "highest p99 time to consistency (end to end for a baseline) a sustainable step may have")
	c.Flags().IntVar(&cfg.Retries, "retries", cfg.Retries, "runs a step that was not sustainable gets again before it counts (a shared machine stalls now and then)")
	c.Flags().IntVar(&cfg.Refine, "refine", cfg.Refine, "bisections between the ceiling and the first step past it (1 narrows a factor of 2 to √2)")
	c.Flags().IntVar(&drainOrders, "drain-orders", 1000, "orders placed behind inventory-svc's paused consumers (events mode) to measure the drain")
	c.Flags().StringVar(&out, "out", "reports", "directory the report goes under (relative to the repository root)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (progress goes to stderr)")
	c.Flags().BoolVar(&up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger (the services then export no traces)")
	c.Flags().BoolVar(&up.build, "build", false, "docker runtime: rebuild the service images")
	return c
}
