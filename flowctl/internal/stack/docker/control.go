package docker

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// container is the compose service of svc in mode's stack.
func container(m stackmode.Mode, svc string) string { return svc + "-" + composeStack(m) }

// composeStack is m's name in docker-compose.yml: its profile and its
// containers' suffix (platform/topology's ComposeStacks).
func composeStack(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "orchestration"
	}
	return string(m)
}

// StopService stops svc's container, or all its replicas (its volume or
// its PostgreSQL schema, and so its data, stays).
func (r *Runtime) StopService(ctx context.Context, m stackmode.Mode, svc string) error {
	if err := r.compose.Run(ctx, io.Discard, "stop", "-t", "10", r.service(ctx, m, svc)); err != nil {
		return fmt.Errorf("stop %s: %w", r.service(ctx, m, svc), err)
	}
	return nil
}

// StartService starts svc's container again and waits for its /readyz.
func (r *Runtime) StartService(ctx context.Context, m stackmode.Mode, svc string) error {
	if err := r.compose.Run(ctx, io.Discard, "start", r.service(ctx, m, svc)); err != nil {
		return fmt.Errorf("start %s: %w", r.service(ctx, m, svc), err)
	}
	return r.waitReady(ctx, m, svc)
}

func (r *Runtime) waitReady(ctx context.Context, m stackmode.Mode, svc string) error {
	url := stack.URL(stack.ServicePort(topology.DefaultPortBase, m, svc)) + "/readyz"
	if err := stack.WaitFor(ctx, 120*time.Second, 100*time.Millisecond, nil, func(ctx context.Context) error { return stack.Probe(ctx, url) }); err != nil {
		return fmt.Errorf("%s did not become ready: %w (see `docker-compose -p %s logs %s`)", container(m, svc), err, ComposeProject, container(m, svc))
	}
	return nil
}

// StopBroker stops the Kafka container; false when it was not running.
func (r *Runtime) StopBroker(ctx context.Context) (bool, error) {
	out, err := r.compose.Output(ctx, "ps", "-q", "kafka")
	if err != nil || strings.TrimSpace(out) == "" {
		return false, nil
	}
	if err := r.compose.Run(ctx, io.Discard, "stop", "-t", "20", "kafka"); err != nil {
		return false, fmt.Errorf("stop kafka: %w", err)
	}
	return true, nil
}

// StartBroker starts the Kafka container and waits until it answers on the
// host port.
func (r *Runtime) StartBroker(ctx context.Context) error {
	if err := r.compose.Run(ctx, io.Discard, "start", "kafka"); err != nil {
		return fmt.Errorf("start kafka: %w", err)
	}
	brokers := []string{stack.Addr(stack.DefaultBrokerPort)}
	if err := stack.WaitFor(ctx, 120*time.Second, 250*time.Millisecond, nil, func(ctx context.Context) error { return kafkaconf.Ping(ctx, brokers) }); err != nil {
		return fmt.Errorf("kafka did not answer after its start: %w", err)
	}
	return nil
}

// SetPropagation recreates mode's service containers with
// TRACE_PROPAGATION=p (compose reads it from the environment).
func (r *Runtime) SetPropagation(ctx context.Context, m stackmode.Mode, p config.Propagation) error {
	prev, had := r.propagation[m]
	r.propagation[m] = p
	if err := r.recreate(ctx, m, topology.Names()); err != nil {
		if had {
			r.propagation[m] = prev
		} else {
			delete(r.propagation, m)
		}
		return fmt.Errorf("recreate the %s services with TRACE_PROPAGATION=%s: %w", m, p, err)
	}
	for _, svc := range topology.Names() {
		if err := r.waitReady(ctx, m, svc); err != nil {
			return err
		}
	}
	return nil
}

// Propagation is what mode's containers were last created with.
func (r *Runtime) Propagation(m stackmode.Mode) config.Propagation {
	if p, ok := r.propagation[m]; ok {
		return p
	}
	return r.s.Propagation()
}
