package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// FraudCheck says whether mode's stack was last started with the check on
// (its marker file in the run dir).
func (r *Runtime) FraudCheck(m stackmode.Mode) bool { return fraudCheckOn(r.l, m) }

func fraudCheckOn(l stack.Layout, m stackmode.Mode) bool {
	_, err := os.Stat(l.FraudCheckFile(m))
	return err == nil
}

// markFraudCheck records the stack's FRAUD_CHECK for later starts.
func markFraudCheck(l stack.Layout, m stackmode.Mode, on bool) error {
	path := l.FraudCheckFile(m)
	if !on {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("fraud check off (%s): %w", m, err)
		}
		return nil
	}
	if err := os.MkdirAll(l.ModeDir(m), 0o755); err != nil {
		return fmt.Errorf("fraud check on (%s): %w", m, err)
	}
	if err := os.WriteFile(path, []byte("FRAUD_CHECK=on\n"), 0o644); err != nil {
		return fmt.Errorf("fraud check on (%s): %w", m, err)
	}
	return nil
}

// SetFraudCheck turns the check on or off in mode's running stack: fraud-svc
// starts (stops) and the services whose wiring changes restart, the rest
// keep running. Setting what is already set changes nothing.
func (r *Runtime) SetFraudCheck(ctx context.Context, m stackmode.Mode, on bool) (topology.Change, error) {
	if r.Running(ctx, m) != nil {
		return topology.Change{}, fmt.Errorf("no %s stack runs here: bring it up with `flowctl up --mode %s --fraud-check %s`", m, m, stack.OnOff(on))
	}
	if r.FraudCheck(m) == on {
		return topology.Change{}, nil
	}
	c := stack.FraudChange(m, on)
	if err := markFraudCheck(r.l, m, on); err != nil {
		return topology.Change{}, err
	}
	for _, svc := range c.Stopped {
		if err := r.StopService(ctx, m, svc); err != nil {
			return c, err
		}
	}
	if _, err := restartServices(ctx, r.opts(m, io.Discard), r.stack(ctx, m), slices.Concat(c.Started, c.Restarted)); err != nil {
		return c, fmt.Errorf("fraud check %s (%s): %w", stack.OnOff(on), m, err)
	}
	return c, nil
}
