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

// scaleSteps holds one replica for hold, scales Service out to Replicas,
// holds, scales it back in to one and holds again, while the caller's load
// runs; it returns the windows it went through. Whatever happens, it leaves
// the stack at one replica.
func scaleSteps(ctx context.Context, e *kit.Env, t kit.Target, hold time.Duration) (ws []window, err error) {
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
		from := time.Now()
		if err := e.Control.Scale(ctx, t.Mode, Service, c.To); err != nil {
			return ws, fmt.Errorf("scale %s to %d: %w", Service, c.To, err)
		}
		ws = append(ws, window{Name: c.Name, From: from, To: time.Now(), Replicas: c.To})
		e.Step("  %d replicas of %s after %s; holding %s", c.To, Service, stats.Duration(time.Since(from)), hold)
		steady := time.Now()
		if err := wait(ctx, hold); err != nil {
			return ws, err
		}
		ws = append(ws, window{Name: c.After, From: steady, To: time.Now(), Replicas: c.To})
	}
	return ws, nil
}

// wait lets d pass unless ctx ends first.
func wait(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
