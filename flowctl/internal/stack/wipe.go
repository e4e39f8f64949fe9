package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/orderflow/platform/config"
)

// What `flowctl reset` asks of a runtime beyond stop and start: forget a
// stopped service's database, and start it on a new one.

// WipeService removes svc's database files (the service must be stopped:
// SQLite's -wal and -shm go with it, or the next start would replay them).
func (c *NativeControl) WipeService(_ context.Context, m config.Mode, svc string) error {
	o, _, err := c.opts(m)
	if err != nil {
		return err
	}
	db := o.Layout.DB(m, svc)
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	return nil
}

// StartFresh starts svc again (natively, the same as StartService).
func (c *NativeControl) StartFresh(ctx context.Context, m config.Mode, svc string) error {
	return c.StartService(ctx, m, svc)
}

// WipeEmbeddedBroker removes the embedded broker's log (it must be stopped):
// the native runtime's Kafka serves only the events stack.
func (c *NativeControl) WipeEmbeddedBroker() (bool, error) {
	o, err := c.anyOptions()
	if err != nil {
		return false, err
	}
	if _, running := RunningFromPIDFile(o.Layout.BrokerPID()); running {
		return false, errors.New("the embedded broker is running")
	}
	dir := o.Layout.KafkaData()
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return true, os.RemoveAll(dir)
}

// dataVolume is svc's named volume in mode's stack (docker-compose.yml:
// order-sync-data, inventory-events-data, …), as compose names it.
func dataVolume(m config.Mode, svc string) string {
	return ComposeProject + "_" + strings.TrimSuffix(svc, "-svc") + "-" + string(m) + "-data"
}

// WipeService removes svc's container and its data volume.
func (c *DockerControl) WipeService(ctx context.Context, m config.Mode, svc string) error {
	if err := c.Compose.Run(ctx, io.Discard, "rm", "-f", "-s", container(m, svc)); err != nil {
		return fmt.Errorf("remove %s: %w", container(m, svc), err)
	}
	cmd := exec.CommandContext(ctx, "docker", "volume", "rm", "-f", dataVolume(m, svc))
	cmd.Env = c.Compose.Env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("docker volume rm %s: %s", dataVolume(m, svc), firstLine(out, err))
	}
	return nil
}

// StartFresh creates svc's container again (on a new, empty volume) and
// waits for its /readyz.
func (c *DockerControl) StartFresh(ctx context.Context, m config.Mode, svc string) error {
	if err := c.Compose.Run(ctx, io.Discard, "--profile", string(m), "up", "-d", "--no-deps", container(m, svc)); err != nil {
		return fmt.Errorf("create %s: %w", container(m, svc), err)
	}
	return c.waitReady(ctx, m, svc)
}
