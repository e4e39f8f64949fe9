package docker

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// What `flowctl reset` asks of Docker beyond stop and start: forget a
// stopped service's volume, and create its container on a new one.

// dataVolume is svc's named volume in mode's stack (docker-compose.yml:
// order-sync-data, inventory-events-data, …), as compose names it.
func dataVolume(m stackmode.Mode, svc string) string {
	return ComposeProject + "_" + strings.TrimSuffix(svc, "-svc") + "-" + composeStack(m) + "-data"
}

// WipeService removes svc's container and its data volume (on
// PostgreSQL: its replicas and its schema).
func (r *Runtime) WipeService(ctx context.Context, m stackmode.Mode, svc string) error {
	if r.onPostgres(ctx, m) {
		return r.wipeOnPostgres(ctx, m, svc)
	}
	if err := r.compose.Run(ctx, io.Discard, "rm", "-f", "-s", container(m, svc)); err != nil {
		return fmt.Errorf("remove %s: %w", container(m, svc), err)
	}
	cmd := exec.CommandContext(ctx, "docker", "volume", "rm", "-f", dataVolume(m, svc))
	cmd.Env = r.compose.Env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("docker volume rm %s: %s", dataVolume(m, svc), firstLine(out, err))
	}
	return nil
}

// StartFresh creates svc's container again (on a new, empty volume) and
// waits for its /readyz.
func (r *Runtime) StartFresh(ctx context.Context, m stackmode.Mode, svc string) error {
	if err := r.withToken(); err != nil {
		return err
	}
	if r.onPostgres(ctx, m) {
		n := max(r.wiped[m][svc], 1)
		if err := r.compose.Run(ctx, io.Discard, append(profiles(m, true, r.FraudCheck(m)), "up", "-d", "--no-deps", "--scale", fmt.Sprintf("%s=%d", replicaService(m, svc), n), replicaService(m, svc))...); err != nil {
			return fmt.Errorf("create %s: %w", replicaService(m, svc), err)
		}
		return r.waitBalanced(ctx, m, svc, n)
	}
	if err := r.compose.Run(ctx, io.Discard, "--profile", composeStack(m), "up", "-d", "--no-deps", container(m, svc)); err != nil {
		return fmt.Errorf("create %s: %w", container(m, svc), err)
	}
	return r.waitReady(ctx, m, svc)
}

// WipeStoppedBroker: Kafka's log lives in its container's volume, which
// reset deletes through a broker that answers, never by hand.
func (r *Runtime) WipeStoppedBroker(context.Context) (bool, error) { return false, stack.ErrNotOurs }
