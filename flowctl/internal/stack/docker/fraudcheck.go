package docker

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fraudProfile is the compose profile of mode's fraud-svc: it runs only
// when the fraud check joined the stack.
func fraudProfile(m stackmode.Mode) string { return "fraud-" + composeStack(m) }

// withFraudCheck is c with FRAUD_CHECK for the containers it creates
// (docker-compose.yml hands it to every service).
func (c *Compose) withFraudCheck(on bool) *Compose {
	cc := *c
	cc.Env = append(slices.Clone(c.Env), "FRAUD_CHECK="+stack.OnOff(on))
	return &cc
}

// FraudCheck says whether mode's fraud-svc container runs: the stack's
// check is on exactly then (flowctl starts it only with the check).
func (r *Runtime) FraudCheck(m stackmode.Mode) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := r.compose.Output(ctx, "ps", "-q", r.service(ctx, m, topology.FraudSvc))
	return err == nil && strings.TrimSpace(out) != ""
}

// removeFraudSvc stops and removes mode's fraud-svc container, if any (its
// volume stays, as a stopped service's does).
func (r *Runtime) removeFraudSvc(ctx context.Context, m stackmode.Mode) error {
	if !r.FraudCheck(m) {
		return nil
	}
	names := []string{r.service(ctx, m, topology.FraudSvc)}
	if r.onPostgres(ctx, m) {
		names = append(names, balancer(m, topology.FraudSvc))
	}
	if err := r.compose.Run(ctx, io.Discard, append(append(profiles(m, r.onPostgres(ctx, m), true), "rm", "-s", "-f"), names...)...); err != nil {
		return fmt.Errorf("remove %s: %w", names[0], err)
	}
	return nil
}

// SetFraudCheck turns the check on or off in mode's stack: fraud-svc's
// container is created (removed) and the containers whose wiring changes
// are recreated with the new FRAUD_CHECK; the rest keep running.
func (r *Runtime) SetFraudCheck(ctx context.Context, m stackmode.Mode, on bool) (topology.Change, error) {
	if r.FraudCheck(m) == on {
		return topology.Change{}, nil
	}
	c := stack.FraudChange(m, on)
	if !on {
		if err := r.removeFraudSvc(ctx, m); err != nil {
			return c, err
		}
	}
	if err := r.composeUpWith(ctx, m, slices.Concat(c.Started, c.Restarted), on); err != nil {
		return c, fmt.Errorf("fraud check %s (%s): %w", stack.OnOff(on), m, err)
	}
	for _, svc := range slices.Concat(c.Started, c.Restarted) {
		if err := r.waitReady(ctx, m, svc); err != nil {
			return c, err
		}
	}
	return c, nil
}
