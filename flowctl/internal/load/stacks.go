package load

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/stockup"
)

// Stack is one stack a multi-stack load drives.
type Stack struct {
	Mode      string
	OrderURL  string
	Inventory *api.Inventory
}

// StackResult is one stack's part of a multi-stack load (`load --json`).
type StackResult struct {
	Mode    string  `json:"mode"`
	Summary Summary `json:"summary"`
	Slipped int     `json:"slipped"`
	// Ledger is the ledger check at the end (flowctl audit), or
	// LedgerError why it could not run; neither when it was not asked for.
	Ledger      *audit.Report `json:"ledger,omitempty"`
	LedgerError string        `json:"ledger_error,omitempty"`
}

// StacksConfig is the same load for every stack.
type StacksConfig struct {
	Rate   float64
	Count  int
	Settle time.Duration
	// Say prints a line (the stock line of each stack).
	Say func(string)
	// Progress shows placed and final orders of all stacks together.
	Progress func(label string, done, total int)
	// Explain turns a failed call into what the user should do (which
	// service of which stack did not answer).
	Explain func(err error, what, mode string) error
}

// RunStacks gives every stack the stock it needs, then places the same load
// on all of them at the same time and follows each order until it is final
// or Settle passes. Results are in the order of stacks.
func RunStacks(ctx context.Context, stacks []Stack, c StacksConfig) ([]StackResult, error) {
	if c.Explain == nil {
		c.Explain = func(err error, _, _ string) error { return err }
	}
	var modes []string
	for _, s := range stacks {
		modes = append(modes, s.Mode)
	}
	label := strings.Join(modes, "+")
	var mu sync.Mutex // serialises Say and Progress
	placed, final, total := 0, 0, c.Count*len(stacks)
	progress := func(what string, done int) {
		if c.Progress != nil {
			c.Progress(what+" ("+label+")", done, total)
		}
	}
	results := make([]StackResult, len(stacks))
	errs := make([]error, len(stacks))
	var wg sync.WaitGroup
	for i, s := range stacks {
		wg.Go(func() {
			line, err := stockup.Ensure(ctx, s.Inventory, "load-"+s.Mode, stockup.Plan{AtLeast: stockup.Need(c.Count, Mix)})
			if err != nil {
				errs[i] = c.Explain(err, topology.InventorySvc, s.Mode)
				return
			}
			mu.Lock()
			if c.Say != nil {
				c.Say(line)
			}
			mu.Unlock()
			orders := api.NewOrders(s.OrderURL, nil)
			res, err := Run(ctx, Config{Orders: orders, Rate: c.Rate, Count: c.Count, Placed: func(Placed) {
				mu.Lock()
				placed++
				progress("placed", placed)
				mu.Unlock()
			}})
			if err != nil {
				errs[i] = c.Explain(err, "order-svc at "+s.OrderURL, s.Mode)
				return
			}
			prevNotFinal := -1
			_, err = Follow(ctx, &res, orders, FollowConfig{Timeout: c.Settle, MaxGetsPerSec: ReadRateFor(len(res.Orders), c.Settle), Progress: func(notFinal int) {
				mu.Lock()
				if prevNotFinal < 0 {
					prevNotFinal = created(res)
				}
				final += prevNotFinal - notFinal
				prevNotFinal = notFinal
				progress("final", final)
				mu.Unlock()
			}})
			if err != nil {
				errs[i] = err
				return
			}
			results[i] = StackResult{Mode: s.Mode, Summary: Summarize(res), Slipped: res.Slipped}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

// created counts the orders order-svc created: those Follow fetches.
func created(r Result) int {
	n := 0
	for _, p := range r.Orders {
		if p.HasID() {
			n++
		}
	}
	return n
}
