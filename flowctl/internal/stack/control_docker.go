package stack

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/kafkaconf"
)

// DockerControl stops and starts the containers of the compose stacks, for
// the scenarios (it satisfies scenario.Control).
type DockerControl struct {
	Compose     *Compose
	propagation map[config.Mode]config.Propagation
	// env are SetEnv's variables, by mode and service.
	env    map[config.Mode]map[string]map[string]string
	getenv func(string) string
}

// NewDockerControl controls the compose project's stacks.
func NewDockerControl(c *Compose, getenv func(string) string) *DockerControl {
	return &DockerControl{Compose: c, propagation: map[config.Mode]config.Propagation{}, env: map[config.Mode]map[string]map[string]string{}, getenv: getenv}
}

func (c *DockerControl) Runtime() string { return string(RuntimeDocker) }

// container is the compose service of svc in mode's stack.
func container(m config.Mode, svc string) string { return svc + "-" + string(m) }

// StopService stops svc's container (its volume, and so its database, stays).
func (c *DockerControl) StopService(ctx context.Context, m config.Mode, svc string) error {
	if err := c.Compose.Run(ctx, io.Discard, "stop", "-t", "10", container(m, svc)); err != nil {
		return fmt.Errorf("stop %s: %w", container(m, svc), err)
	}
	return nil
}

// StartService starts svc's container again and waits for its /readyz.
func (c *DockerControl) StartService(ctx context.Context, m config.Mode, svc string) error {
	if err := c.Compose.Run(ctx, io.Discard, "start", container(m, svc)); err != nil {
		return fmt.Errorf("start %s: %w", container(m, svc), err)
	}
	return c.waitReady(ctx, m, svc)
}

func (c *DockerControl) waitReady(ctx context.Context, m config.Mode, svc string) error {
	url := URL(ServicePort(DefaultPortBase, m, svc)) + "/readyz"
	if err := waitFor(ctx, 120*time.Second, 100*time.Millisecond, nil, func(ctx context.Context) error { return probe(ctx, url) }); err != nil {
		return fmt.Errorf("%s did not become ready: %w (see `docker-compose -p %s logs %s`)", container(m, svc), err, ComposeProject, container(m, svc))
	}
	return nil
}

// StopBroker stops the Kafka container; false when it was not running.
func (c *DockerControl) StopBroker(ctx context.Context) (bool, error) {
	out, err := c.Compose.Output(ctx, "ps", "-q", "kafka")
	if err != nil || strings.TrimSpace(out) == "" {
		return false, nil
	}
	if err := c.Compose.Run(ctx, io.Discard, "stop", "-t", "20", "kafka"); err != nil {
		return false, fmt.Errorf("stop kafka: %w", err)
	}
	return true, nil
}

// StartBroker starts the Kafka container and waits until it answers on the
// host port.
func (c *DockerControl) StartBroker(ctx context.Context) error {
	if err := c.Compose.Run(ctx, io.Discard, "start", "kafka"); err != nil {
		return fmt.Errorf("start kafka: %w", err)
	}
	brokers := []string{Addr(DefaultBrokerPort)}
	if err := waitFor(ctx, 120*time.Second, 250*time.Millisecond, nil, func(ctx context.Context) error { return kafkaconf.Ping(ctx, brokers) }); err != nil {
		return fmt.Errorf("kafka did not answer after its start: %w", err)
	}
	return nil
}

// SetPropagation recreates mode's service containers with
// TRACE_PROPAGATION=p (compose reads it from the environment).
func (c *DockerControl) SetPropagation(ctx context.Context, m config.Mode, p config.Propagation) error {
	prev, had := c.propagation[m]
	c.propagation[m] = p
	if err := c.recreate(ctx, m, Services); err != nil {
		if had {
			c.propagation[m] = prev
		} else {
			delete(c.propagation, m)
		}
		return fmt.Errorf("recreate the %s services with TRACE_PROPAGATION=%s: %w", m, p, err)
	}
	for _, svc := range Services {
		if err := c.waitReady(ctx, m, svc); err != nil {
			return err
		}
	}
	return nil
}

// Propagation is what mode's containers were last created with.
func (c *DockerControl) Propagation(m config.Mode) config.Propagation {
	if p, ok := c.propagation[m]; ok {
		return p
	}
	if v := c.getenv("TRACE_PROPAGATION"); v != "" {
		return config.Propagation(v)
	}
	return config.PropagationChild
}
