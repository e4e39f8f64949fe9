package load

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// MaxOrders bounds one stack's share of a `flowctl load`.
const MaxOrders = 100000

// Setup is what `flowctl load` sets: the same load for every stack, and how
// to bring the stacks up and show progress.
type Setup struct {
	Rate             float64
	Duration, Settle time.Duration
	// Up brings the stacks up; its Progress gets the load's lines too.
	Up stack.UpOptions
	// Stderr gets the end of the log of a process that did not start.
	Stderr io.Writer
	// Bar shows placed and final orders of all stacks together.
	Bar Bar
}

// Bar is a progress bar (report.Progress).
type Bar interface {
	Update(label string, done, total int)
	Done()
}

// Orders is how many orders the setup places per stack, or why it cannot
// run.
func (s Setup) Orders() (int, error) {
	n, err := Config{Rate: s.Rate, Duration: s.Duration}.Plan()
	if err != nil {
		return 0, fmt.Errorf("--rate/--duration: %w", err)
	}
	if n > MaxOrders {
		return 0, fmt.Errorf("--rate %g × --duration %s is %d orders: keep it at %d or fewer", s.Rate, s.Duration, n, MaxOrders)
	}
	if s.Settle < time.Second {
		return 0, fmt.Errorf("--settle %s: use at least 1s", s.Settle)
	}
	return n, nil
}

// OnStacks is `flowctl load`: it brings modes' stacks up where s says,
// gives them the same load at the same time (RunStacks), then checks each
// stack's ledger (flowctl audit). Results are in the order of modes.
func OnStacks(ctx context.Context, s *stack.Stacks, modes []stackmode.Mode, set Setup) ([]StackResult, error) {
	n, err := set.Orders()
	if err != nil {
		return nil, err
	}
	var stacks []Stack
	var urls []map[string]string
	for _, m := range modes {
		st, _, err := explain.Up(ctx, s, m, set.Up, set.Stderr)
		if err != nil {
			return nil, err
		}
		stacks = append(stacks, Stack{Mode: string(m), OrderURL: st.OrderURL(), Inventory: api.NewInventory(st.URLs[topology.InventorySvc], nil)})
		urls = append(urls, st.URLs)
	}
	say := set.Up.Progress
	fmt.Fprintf(say, "placing %d orders per stack at %g/s for %s\n", n, set.Rate, set.Duration)
	results, err := RunStacks(ctx, stacks, StacksConfig{
		Rate: set.Rate, Count: n, Settle: set.Settle,
		Say:      func(line string) { fmt.Fprintln(say, line) },
		Progress: set.Bar.Update,
		Explain: func(err error, what, mode string) error {
			return explain.Interrupted(ctx, explain.Unreachable(err, what, mode))
		},
	})
	set.Bar.Done()
	if err != nil {
		return nil, explain.Interrupted(ctx, err)
	}
	fmt.Fprintln(say, "checking the ledger of each stack (flowctl audit)")
	checkLedgers(ctx, results, urls, set.Settle)
	return results, nil
}
