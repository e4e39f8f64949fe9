package kube

import (
	"context"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// SetPropagation sets TRACE_PROPAGATION=p on every service Deployment of
// mode's stack and waits for the rollouts.
func (r *Runtime) SetPropagation(ctx context.Context, m stackmode.Mode, p config.Propagation) error {
	svcs, err := r.deployed(ctx, m)
	if err != nil {
		return err
	}
	return r.setVar(ctx, m, svcs, "TRACE_PROPAGATION", string(p))
}

// Propagation is what mode's order-svc runs with (its Deployment's env,
// else the stack's ConfigMap), else what flowctl was given.
func (r *Runtime) Propagation(m stackmode.Mode) config.Propagation {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d, err := r.deployment(ctx, m, topology.OrderSvc); err == nil {
		if v, set, err := r.effectiveEnv(ctx, d, "TRACE_PROPAGATION"); err == nil && set && v != "" {
			return config.Propagation(v)
		}
	}
	return r.cfg.Propagation
}

// FraudCheck says whether mode's fraud-svc runs with FRAUD_CHECK=on.
// deploy/k8s runs it with the check off, idle; that counts as off.
func (r *Runtime) FraudCheck(m stackmode.Mode) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := r.deployment(ctx, m, topology.FraudSvc)
	if err != nil || replicas(d.Spec.Replicas) == 0 {
		return false
	}
	v, _, err := r.effectiveEnv(ctx, d, "FRAUD_CHECK")
	return err == nil && v == "on"
}

// SetFraudCheck turns the check on or off in mode's stack: fraud-svc is
// scaled up (down) with FRAUD_CHECK set, the services whose wiring changes
// get the new FRAUD_CHECK (a rollout each), the rest keep running.
func (r *Runtime) SetFraudCheck(ctx context.Context, m stackmode.Mode, on bool) (topology.Change, error) {
	if r.FraudCheck(m) == on {
		return topology.Change{}, nil
	}
	c := stack.FraudChange(m, on)
	value := stack.OnOff(on)
	touched := slices.Concat(c.Started, c.Restarted, c.Stopped)
	for _, svc := range touched {
		err := r.updateDeployment(ctx, m, svc, func(d *appsv1.Deployment) {
			ct := serviceContainer(d)
			ct.Env = withEnv(ct.Env, nil, map[string]string{"FRAUD_CHECK": value})
			switch {
			case slices.Contains(c.Started, svc):
				d.Spec.Replicas = startMeta(&d.ObjectMeta, d.Spec.Replicas)
			case slices.Contains(c.Stopped, svc):
				stopMeta(&d.ObjectMeta, d.Spec.Replicas)
				d.Spec.Replicas = int32p(0)
			}
		})
		if err != nil {
			return c, fmt.Errorf("fraud check %s (%s): %w", value, m, err)
		}
	}
	for _, svc := range touched {
		if err := r.waitDeployment(ctx, m, svc); err != nil {
			return c, fmt.Errorf("fraud check %s (%s): %w", value, m, err)
		}
	}
	return c, nil
}

// deployed are the services of mode's stack whose Deployment exists.
func (r *Runtime) deployed(ctx context.Context, m stackmode.Mode) ([]string, error) {
	var out []string
	for _, svc := range stack.AllServices() {
		_, err := r.deployment(ctx, m, svc)
		if notDeployed(err) && svc == topology.FraudSvc {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, svc)
	}
	return out, nil
}
