package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

// loadResult is one mode's part of `load --json`.
type loadResult struct {
	Mode    string       `json:"mode"`
	Summary load.Summary `json:"summary"`
	Slipped int          `json:"slipped"`
}

func newLoadCmd(g *globals) *cobra.Command {
	var up upFlags
	var mode string
	var rate float64
	var duration, settle time.Duration
	var asJSON bool
	c := &cobra.Command{
		Use:   "load --mode sync|events|both --rate R --duration D",
		Short: "Drive a steady order load at one or both stacks, then show latency and consistency",
		Long: `load brings the chosen stacks up and places orders at a steady rate (open loop:
each order is sent on schedule, answered or not) for the given duration, then
follows every order until its status is final and prints, per mode, the
statuses, placement latency and time to consistency (p50/p90/p99/max). With
--mode both the two stacks get the same load at the same time.

  flowctl load --mode both --rate 50 --duration 30s`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			modes, err := parseModes(mode)
			if err != nil {
				return fmt.Errorf("--mode %q: %w", mode, err)
			}
			cfg := load.Config{Rate: rate, Duration: duration}
			n, err := cfg.Plan()
			if err != nil {
				return fmt.Errorf("--rate/--duration: %w", err)
			}
			if n > 100000 {
				return fmt.Errorf("--rate %g × --duration %s is %d orders: keep it at 100000 or fewer", rate, duration, n)
			}
			if settle < time.Second {
				return fmt.Errorf("--settle %s: use at least 1s", settle)
			}
			progress := g.env.Stdout
			if asJSON {
				progress = g.env.Stderr
			}
			ctx := c.Context()
			urls, invURLs := map[config.Mode]string{}, map[config.Mode]string{}
			for _, m := range modes {
				st, err := bringUp(ctx, g, m, up, progress)
				if err != nil {
					return err
				}
				urls[m], invURLs[m] = st.OrderURL(), st.URLs["inventory-svc"]
			}
			fmt.Fprintf(progress, "placing %d orders per stack at %g/s for %s\n", n, rate, duration)
			bar := report.NewProgress(progress, isTerminal(progress))
			var mu sync.Mutex
			placed, final := 0, 0
			total := n * len(modes)
			results := make([]loadResult, len(modes))
			errs := make([]error, len(modes))
			var wg sync.WaitGroup
			for i, m := range modes {
				wg.Go(func() {
					orders := api.NewOrders(urls[m], nil)
					line, err := stockup.Ensure(ctx, api.NewInventory(invURLs[m], nil), "load-"+string(m), stockup.Plan{AtLeast: stockup.Need(n, load.Mix)})
					if err != nil {
						errs[i] = ctxErr(ctx, unreachable(err, "inventory-svc at "+invURLs[m], string(m)))
						return
					}
					mu.Lock()
					fmt.Fprintln(progress, line)
					mu.Unlock()
					res, err := load.Run(ctx, load.Config{Orders: orders, Rate: rate, Count: n, Placed: func(load.Placed) {
						mu.Lock()
						placed++
						bar.Update("placed ("+modeList(modes)+")", placed, total)
						mu.Unlock()
					}})
					if err != nil {
						errs[i] = ctxErr(ctx, unreachable(err, "order-svc at "+urls[m], string(m)))
						return
					}
					prevNotFinal := -1
					_, err = load.Follow(ctx, &res, orders, load.FollowConfig{Timeout: settle, Progress: func(notFinal int) {
						mu.Lock()
						if prevNotFinal < 0 {
							prevNotFinal = accepted(res)
						}
						final += prevNotFinal - notFinal
						prevNotFinal = notFinal
						bar.Update("final ("+modeList(modes)+")", final, total)
						mu.Unlock()
					}})
					if err != nil {
						errs[i] = ctxErr(ctx, err)
						return
					}
					results[i] = loadResult{Mode: string(m), Summary: load.Summarize(res), Slipped: res.Slipped}
				})
			}
			wg.Wait()
			bar.Done()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			if asJSON {
				return printJSON(g.env.Stdout, results)
			}
			printLoad(g.env.Stdout, results)
			return nil
		},
	}
	c.Flags().StringVar(&mode, "mode", "", "sync, events or both (required)")
	c.Flags().BoolVar(&up.noJaeger, "no-jaeger", false, "native runtime: do not start Jaeger")
	c.Flags().BoolVar(&up.build, "build", false, "docker runtime: rebuild the service images")
	c.Flags().Float64Var(&rate, "rate", 20, "orders per second per stack")
	c.Flags().DurationVar(&duration, "duration", 10*time.Second, "how long to place orders")
	c.Flags().DurationVar(&settle, "settle", time.Minute, "how long to wait for the orders to become final")
	c.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	return c
}

func modeList(modes []config.Mode) string {
	parts := make([]string, len(modes))
	for i, m := range modes {
		parts[i] = string(m)
	}
	return strings.Join(parts, "+")
}

// accepted counts the orders order-svc took.
func accepted(r load.Result) int {
	n := 0
	for _, p := range r.Orders {
		if p.Accepted() {
			n++
		}
	}
	return n
}

// printLoad writes each mode's summary side by side.
func printLoad(w io.Writer, rs []loadResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label string, f func(loadResult) string) {
		cells := []string{label}
		for _, r := range rs {
			cells = append(cells, f(r))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	row("", func(r loadResult) string { return r.Mode })
	row("orders", func(r loadResult) string {
		return fmt.Sprintf("%d at %.1f/s", r.Summary.Orders, r.Summary.RatePerSec)
	})
	row("statuses", func(r loadResult) string { return statusCounts(r.Summary.ByStatus) })
	row("placement p50 / p90 / p99 / max", func(r loadResult) string { return quartet(r.Summary.Placement) })
	row("time to consistency p50 / p90 / p99 / max", func(r loadResult) string { return quartet(r.Summary.TimeToFinal) })
	row("not final at the end", func(r loadResult) string { return fmt.Sprint(r.Summary.NotFinal) })
	row("sent late (too many in flight)", func(r loadResult) string { return fmt.Sprint(r.Slipped) })
	fmt.Fprintln(w)
	tw.Flush()
}

func quartet(s stats.Summary) string {
	if s.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%s / %s / %s / %s", stats.Ms(s.P50), stats.Ms(s.P90), stats.Ms(s.P99), stats.Ms(s.Max))
}

func statusCounts(m map[string]int) string {
	var parts []string
	for _, k := range []string{"CONFIRMED", "REJECTED", "FAILED", "PENDING", "NOT PLACED"} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, " · ")
}
