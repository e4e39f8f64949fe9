package scaleout

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// change is one scaling step: to how many replicas, in which window.
type change struct {
	Name string
	To   int
}

// changes are the run's: out to Replicas, then back in to one.
var changes = []struct {
	change
	After string // the steady window that follows
}{
	{change{WindowOut, Replicas}, WindowThree},
	{change{WindowIn, 1}, WindowAfter},
}

// watch is what a run does around each change besides scaling. Every
// field may be nil.
type watch struct {
	// Before reads, before a change starts, what a replica taken away
	// would lose (its counts).
	Before func(ctx context.Context, c change)
	// Settle waits, once Scale returned, until the change is over for the
	// stack: its consumer group Stable with c.To members, measured from
	// start. Without it, Scale's return ends the change.
	Settle func(ctx context.Context, c change, start time.Time) (settled, error)
	// After reads, once a change is over, what it cost.
	After func(ctx context.Context, c change)
}

// scaleSteps holds one replica for hold, scales Service out to Replicas,
// holds, scales it back in to one and holds again, while the caller's load
// runs; it returns the windows it went through. Whatever happens, it leaves
// the stack at one replica.
func scaleSteps(ctx context.Context, e *kit.Env, t kit.Target, hold time.Duration, w watch) (ws []window, err error) {
	at := time.Now()
	defer func() {
		if err != nil {
			cctx, cancel := kit.CleanupCtx(ctx)
			defer cancel()
			_ = e.Control.Scale(cctx, t.Mode, Service, 1) // leave the stack as it was
		}
	}()
	if err := wait(ctx, hold); err != nil {
		return ws, err
	}
	ws = append(ws, window{Name: WindowOne, From: at, To: time.Now(), Replicas: 1})
	for _, c := range changes {
		e.Step("  %s: %s %d → %d replicas (%s, %s)", c.Name, Service, ws[len(ws)-1].Replicas, c.To, t.Mode, e.Control.Runtime())
		cw, err := runChange(ctx, e, t, c.change, w)
		if err != nil {
			return ws, err
		}
		ws = append(ws, cw)
		e.Step("  %s; holding %s", changeSays(cw), hold)
		steady := time.Now()
		if err := wait(ctx, hold); err != nil {
			return ws, err
		}
		ws = append(ws, window{Name: c.After, From: steady, To: time.Now(), Replicas: c.To})
	}
	return ws, nil
}

// runChange scales Service to c.To and, with w.Settle, waits out the
// rebalance: the change's window runs until then.
func runChange(ctx context.Context, e *kit.Env, t kit.Target, c change, w watch) (window, error) {
	if w.Before != nil {
		w.Before(ctx, c)
	}
	cw := window{Name: c.Name, From: time.Now(), Replicas: c.To}
	if err := e.Control.Scale(ctx, t.Mode, Service, c.To); err != nil {
		return cw, fmt.Errorf("scale %s to %d: %w", Service, c.To, err)
	}
	cw.Scaled = time.Since(cw.From)
	if w.Settle != nil {
		s, err := w.Settle(ctx, c, cw.From)
		cw.Rebalance = &s
		if err != nil {
			return cw, err
		}
	}
	// A change's window lasts at least minChange: what a change costs (a
	// connection cut by the drain, a rebalance) shows in the requests around
	// it, and a sync scale-in of tens of milliseconds would judge one order.
	if err := wait(ctx, minChange-time.Since(cw.From)); err != nil {
		return cw, err
	}
	cw.To = time.Now()
	if w.After != nil {
		w.After(ctx, c)
	}
	return cw, nil
}

// changeSays is a change's progress line.
func changeSays(w window) string {
	s := fmt.Sprintf("%d replicas of %s after %s", w.Replicas, Service, stats.Duration(w.Scaled))
	switch {
	case w.Rebalance == nil:
		return s
	case w.Rebalance.Stable:
		return s + fmt.Sprintf("; its group Stable with %d after %s: %s", w.Replicas, stats.Duration(w.Rebalance.Took), w.Rebalance.Group)
	default:
		return s + fmt.Sprintf("; its group not Stable with %d after %s: %s", w.Replicas, stats.Duration(w.Rebalance.Took), w.Rebalance.Group)
	}
}

// minChange is the shortest window of a change: at the scenario's default
// 20 orders/s, 40 orders, twice minChangeN.
const minChange = 2 * time.Second

// wait lets d pass unless ctx ends first.
func wait(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
