package native

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/balancer"
	"github.com/orderflow/flowctl/internal/stack"
)

// DrainTimeout bounds how long a replica taken out of rotation may keep
// requests in flight before it is stopped anyway.
const DrainTimeout = 30 * time.Second

// startReplicas starts replicas idx of svc and waits for their /readyz.
func startReplicas(ctx context.Context, o Options, st stack.Stack, svc string, idx []int) error {
	l, m := o.Layout, o.Mode
	port := stack.ServicePort(o.PortBase, m, svc)
	for _, i := range idx {
		if err := stack.CheckPortFree(stack.ReplicaPort(port, i), fmt.Sprintf("%s, %s stack", stack.ReplicaName(svc, i), m)); err != nil {
			return err
		}
	}
	errs := make([]error, len(idx))
	var wg sync.WaitGroup
	for k, i := range idx {
		p, err := stack.StartDetached(stack.Spec{
			Args: []string{l.Bin(svc)}, Env: replicaEnv(o, st, svc, i), Dir: l.Root,
			LogPath: l.ReplicaLog(m, svc, i), PIDPath: l.ReplicaPID(m, svc, i),
		})
		if err != nil {
			return err
		}
		wg.Go(func() {
			ready := stack.URL(stack.ReplicaPort(port, i)) + "/readyz"
			if err := stack.WaitFor(ctx, 60*time.Second, 50*time.Millisecond, p.Ours, func(ctx context.Context) error { return stack.Probe(ctx, ready) }); err != nil {
				log := l.ReplicaLog(m, svc, i)
				errs[k] = &stack.StartError{What: fmt.Sprintf("%s (%s)", stack.ReplicaName(svc, i), m), Log: l.Rel(log), Tail: stack.TailFile(log, 20), Err: err}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// replicaEnv is svc's environment (serviceEnv) with replica i's own
// address; a PPROF_ADDR would clash between replicas, so they run without.
func replicaEnv(o Options, st stack.Stack, svc string, i int) []string {
	var env []string
	for _, kv := range serviceEnv(o, st, svc) {
		switch {
		case strings.HasPrefix(kv, "HTTP_ADDR="):
			kv = "HTTP_ADDR=" + replicaAddr(o, svc, i)
		case strings.HasPrefix(kv, "PPROF_ADDR="):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// ensureBalancer makes addrs svc's rotation: through its running `flowctl
// lb`, or by starting one on svc's usual port in place of the unscaled
// process (which SIGTERM drains: its http.Server finishes what it has).
func ensureBalancer(ctx context.Context, o Options, svc string, addrs []string) error {
	l, m := o.Layout, o.Mode
	if _, ok := stack.RunningFromPIDFile(l.BalancerPID(m, svc)); ok {
		c, err := balancerClient(o, svc)
		if err != nil {
			return err
		}
		return c.Set(ctx, addrs)
	}
	if _, err := stack.Stop(ctx, l.ServicePID(m, svc), StopGrace); err != nil {
		return err
	}
	port := stack.ServicePort(o.PortBase, m, svc)
	if err := stack.CheckPortFree(port, fmt.Sprintf("%s balancer, %s stack", svc, m)); err != nil {
		return err
	}
	if o.Self == "" {
		return errors.New("cannot start the balancer: the path of the flowctl binary is unknown")
	}
	_ = os.Remove(l.BalancerControl(m, svc))
	p, err := stack.StartDetached(stack.Spec{
		Args: []string{o.Self, "lb", "--name", svc, "--listen", stack.Addr(port), "--control-file", l.BalancerControl(m, svc),
			"--backends", strings.Join(addrs, ",")},
		Env: o.BaseEnv, Dir: l.Root, LogPath: l.BalancerLog(m, svc), PIDPath: l.BalancerPID(m, svc),
	})
	if err != nil {
		return err
	}
	err = stack.WaitFor(ctx, 30*time.Second, 20*time.Millisecond, p.Ours, func(ctx context.Context) error {
		if _, err := balancerClient(o, svc); err != nil {
			return err
		}
		return stack.Probe(ctx, stack.URL(port)+"/readyz")
	})
	if err != nil {
		log := l.BalancerLog(m, svc)
		return &stack.StartError{What: fmt.Sprintf("%s balancer (%s)", svc, m), Log: l.Rel(log), Tail: stack.TailFile(log, 20), Err: err}
	}
	return nil
}

// balancerClient reaches svc's balancer through the address it wrote.
func balancerClient(o Options, svc string) (balancer.Client, error) {
	b, err := os.ReadFile(o.Layout.BalancerControl(o.Mode, svc))
	if err != nil {
		return balancer.Client{}, fmt.Errorf("%s balancer (%s): no control address yet: %w", svc, o.Mode, err)
	}
	return balancer.Client{Addr: strings.TrimSpace(string(b))}, nil
}

// drainAndStop waits until the balancer has no request in flight on
// replicas idx (already out of its rotation), then stops them: SIGTERM,
// so a consumer leaves its group and the http.Server finishes.
func drainAndStop(ctx context.Context, o Options, svc string, idx []int) error {
	if len(idx) == 0 {
		return nil
	}
	var addrs []string
	for _, i := range idx {
		addrs = append(addrs, replicaAddr(o, svc, i))
	}
	c, err := balancerClient(o, svc)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, DrainTimeout)
	defer cancel()
	// Past the timeout the replicas are stopped anyway (their requests
	// still in flight are cut, and the error says so): left running they
	// would go on consuming beside the count the stack records.
	drainErr := c.WaitDrained(dctx, addrs, 20*time.Millisecond)
	if drainErr != nil && ctx.Err() != nil {
		return drainErr
	}
	for _, i := range idx {
		if _, err := stack.Stop(ctx, o.Layout.ReplicaPID(o.Mode, svc, i), StopGrace); err != nil {
			return fmt.Errorf("stop %s: %w", stack.ReplicaName(svc, i), err)
		}
	}
	if drainErr != nil {
		return fmt.Errorf("%s: stopped %d replica(s) with requests still in flight after %s: %w", svc, len(idx), DrainTimeout, drainErr)
	}
	return nil
}

// stopAll stops every process of svc: the unscaled one, or the balancer
// (its shutdown lets requests in flight finish) and then the replicas. It
// says whether any of them was flowctl's and running.
func stopAll(ctx context.Context, o Options, svc string) (bool, error) {
	l, m := o.Layout, o.Mode
	pids := []string{l.ServicePID(m, svc), l.BalancerPID(m, svc)}
	for i := 1; i <= stack.MaxReplicas; i++ {
		pids = append(pids, l.ReplicaPID(m, svc, i))
	}
	ran := false
	for _, pid := range pids {
		res, err := stack.Stop(ctx, pid, StopGrace)
		if err != nil {
			return ran, fmt.Errorf("stop %s (%s): %w", svc, m, err)
		}
		ran = ran || res.Ours
	}
	return ran, nil
}
