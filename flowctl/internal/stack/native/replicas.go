package native

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A scaled service (stack.ReplicaPort) runs replicas #1…#n and a `flowctl
// lb` on its usual port; its replicas file records n, so every later start
// (start, SetEnv, SetPropagation, the fraud check) starts it alike.

// wantedReplicas is how many replicas svc was last scaled to; 0 when it
// runs unscaled (one process on its usual port).
func wantedReplicas(l stack.Layout, m stackmode.Mode, svc string) int {
	b, err := os.ReadFile(l.ReplicasFile(m, svc))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// recordReplicas writes n for svc; n 0 removes the record (unscaled).
func recordReplicas(l stack.Layout, m stackmode.Mode, svc string, n int) error {
	path := l.ReplicasFile(m, svc)
	if n == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replicas of %s (%s): %w", svc, m, err)
		}
		return nil
	}
	if err := os.MkdirAll(l.ModeDir(m), 0o755); err != nil {
		return fmt.Errorf("replicas of %s (%s): %w", svc, m, err)
	}
	if err := os.WriteFile(path, fmt.Appendf(nil, "%d\n", n), 0o644); err != nil {
		return fmt.Errorf("replicas of %s (%s): %w", svc, m, err)
	}
	return nil
}

// runningReplicas are the indices of svc's replicas that run now.
func runningReplicas(l stack.Layout, m stackmode.Mode, svc string) []int {
	var out []int
	for i := 1; i <= stack.MaxReplicas; i++ {
		if _, ok := stack.RunningFromPIDFile(l.ReplicaPID(m, svc, i)); ok {
			out = append(out, i)
		}
	}
	return out
}

// Replicas counts svc's running processes: its replicas behind a balancer,
// else 1 for the unscaled process, else 0.
func (r *Runtime) Replicas(_ context.Context, m stackmode.Mode, svc string) (int, error) {
	if _, ok := stack.RunningFromPIDFile(r.l.BalancerPID(m, svc)); ok {
		return len(runningReplicas(r.l, m, svc)), nil
	}
	if _, ok := stack.RunningFromPIDFile(r.l.ServicePID(m, svc)); ok {
		return 1, nil
	}
	return 0, nil
}

// Scale runs n replicas of svc behind its balancer: replicas added are
// started and answer /readyz before they join the rotation; replicas
// removed leave it, drain, and then get SIGTERM.
func (r *Runtime) Scale(ctx context.Context, m stackmode.Mode, svc string, n int) error {
	if !slices.Contains(stack.AllServices(), svc) {
		return fmt.Errorf("scale %s: no such service; use one of %s", svc, strings.Join(stack.AllServices(), ", "))
	}
	if err := stack.CheckReplicas(svc, n, stack.ServicePort(r.s.PortBase, m, svc)); err != nil {
		return err
	}
	if n > 1 && !onPostgres(r.l, m) {
		return fmt.Errorf("%s of the %s stack keeps SQLite (one writer per file), so it runs as one replica: bring the stack up on PostgreSQL with `flowctl up --mode %s --store postgres` (or DATABASE_URL=postgres://… flowctl up --mode %s)", svc, m, m, m)
	}
	if err := r.Running(ctx, m); err != nil {
		return err
	}
	o := r.opts(m, io.Discard)
	if err := scaleTo(ctx, o, r.stack(ctx, m), svc, n); err != nil {
		return fmt.Errorf("scale %s (%s) to %d: %w", svc, m, n, err)
	}
	return nil
}

// scaleTo brings svc to replicas #1…#n: start the missing ones, put the
// balancer in front (in place of the unscaled process), drain and stop the
// ones above n.
func scaleTo(ctx context.Context, o Options, st stack.Stack, svc string, n int) error {
	l, m := o.Layout, o.Mode
	var missing []int
	for i := 1; i <= n; i++ {
		if _, ok := stack.RunningFromPIDFile(l.ReplicaPID(m, svc, i)); !ok {
			missing = append(missing, i)
		}
	}
	if err := startReplicas(ctx, o, st, svc, missing); err != nil {
		return err
	}
	if err := recordReplicas(l, m, svc, n); err != nil {
		return err
	}
	var keep []string
	for i := 1; i <= n; i++ {
		keep = append(keep, replicaAddr(o, svc, i))
	}
	if err := ensureBalancer(ctx, o, svc, keep); err != nil {
		return err
	}
	var extra []int
	for _, i := range runningReplicas(l, m, svc) {
		if i > n {
			extra = append(extra, i)
		}
	}
	return drainAndStop(ctx, o, svc, extra)
}

func replicaAddr(o Options, svc string, i int) string {
	return stack.Addr(stack.ReplicaPort(stack.ServicePort(o.PortBase, o.Mode, svc), i))
}
