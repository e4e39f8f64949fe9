package docker

import (
	"context"
	"fmt"
	"io"
	"maps"
	"strconv"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// scaleStopSeconds is how long compose lets a replica removed by a scale-in
// drain: the services finish their requests in flight within 10 s of
// SIGTERM (httpserver.Serve), so 15 s leaves a SIGKILL for a hung one only.
const scaleStopSeconds = 15

// Scale runs n replicas of svc with `compose up --scale` on the stack's
// PostgreSQL form and waits until its balancer sends requests to exactly n
// (HAProxy's /readyz checks pass on each). Compose removes the highest
// numbered replicas on a scale-in: SIGTERM closes their listener (the
// balancer resends refused connections to the others and its checks take
// them out), lets requests in flight finish and their consumers leave the
// group, then they stop.
func (r *Runtime) Scale(ctx context.Context, m stackmode.Mode, svc string, n int) error {
	if n < 1 || n > stack.MaxReplicas {
		return fmt.Errorf("scale %s (%s) to %d: use 1 to %d replicas", svc, m, n, stack.MaxReplicas)
	}
	if !r.onPostgres(ctx, m) {
		if n == 1 {
			return nil
		}
		return fmt.Errorf("scale %s (%s) to %d: the %s stack runs on SQLite in Docker (one writer per file); bring it up on PostgreSQL first: `flowctl --runtime docker up --mode %s --replicas %s=%d` (or --store postgres)", svc, m, n, m, m, svc, n)
	}
	name := replicaService(m, svc)
	cc, err := r.composeFor(m, svc, r.FraudCheck(m))
	if err != nil {
		return err
	}
	args := append(profiles(m, true, r.FraudCheck(m)), "up", "-d", "--no-deps", "--no-recreate",
		"-t", strconv.Itoa(scaleStopSeconds), "--scale", name+"="+strconv.Itoa(n), name)
	if err := cc.Run(ctx, io.Discard, args...); err != nil {
		return fmt.Errorf("scale %s to %d: %w", name, n, err)
	}
	return r.waitBalanced(ctx, m, svc, n)
}

// Replicas is how many containers of svc run in mode's stack.
func (r *Runtime) Replicas(ctx context.Context, m stackmode.Mode, svc string) (int, error) {
	ids, err := r.containerIDs(ctx, r.service(ctx, m, svc), true)
	return len(ids), err
}

// waitBalanced waits until n replicas of svc run and its balancer has
// exactly n in rotation.
func (r *Runtime) waitBalanced(ctx context.Context, m stackmode.Mode, svc string, n int) error {
	var last string
	err := stack.WaitFor(ctx, 120*time.Second, 250*time.Millisecond, nil, func(ctx context.Context) error {
		running, err := r.Replicas(ctx, m, svc)
		if err != nil {
			return err
		}
		up, err := r.balancedUp(ctx, m, svc)
		if err != nil {
			return err
		}
		if last = fmt.Sprintf("%d running, %d in the balancer's rotation", running, up); running != n || up != n {
			return fmt.Errorf("%s", last)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s (%s) did not settle at %d replicas (%s): %w (see `docker-compose -p %s logs %s %s`)", svc, m, n, last, err, ComposeProject, replicaService(m, svc), balancer(m, svc))
	}
	return nil
}

// balancedUp asks svc's balancer how many replicas it sends requests to.
func (r *Runtime) balancedUp(ctx context.Context, m stackmode.Mode, svc string) (int, error) {
	csv, err := r.balancerStats(ctx, m, svc)
	if err != nil {
		return 0, err
	}
	return upReplicas(csv)
}

// scaleArgs are compose's --scale flags for replicas (service → n) of the
// services deployed, in the order of the stack's services.
func scaleArgs(m stackmode.Mode, replicas map[string]int, deployed []string) []string {
	var args []string
	for _, svc := range deployed {
		if n, ok := replicas[svc]; ok {
			args = append(args, "--scale", replicaService(m, svc)+"="+strconv.Itoa(n))
		}
	}
	return args
}

// upReplicas waits, after `up`, until each scaled service's balancer has
// all its replicas in rotation.
func (r *Runtime) upReplicas(ctx context.Context, m stackmode.Mode, u stack.UpOptions) error {
	for _, svc := range stack.Deployed(u.FraudCheck) {
		n := max(u.Replicas[svc], 1)
		if err := r.waitBalanced(ctx, m, svc, n); err != nil {
			return err
		}
	}
	return nil
}

// keepReplicas is replicas with, for every service it does not name, the
// count that runs now (compose's up would otherwise go back to one).
func (r *Runtime) keepReplicas(ctx context.Context, m stackmode.Mode, replicas map[string]int) map[string]int {
	out := maps.Clone(replicas)
	if out == nil {
		out = map[string]int{}
	}
	for _, svc := range stack.AllServices() {
		if _, ok := out[svc]; ok {
			continue
		}
		if n, err := r.Replicas(ctx, m, svc); err == nil && n > 1 {
			out[svc] = n
		}
	}
	return out
}
