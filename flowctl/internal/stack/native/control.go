package native

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// StopService stops svc's process, or its balancer and every replica
// (SIGTERM, then SIGKILL after 10 s): the service is down.
func (r *Runtime) StopService(ctx context.Context, m stackmode.Mode, svc string) error {
	_, err := stopAll(ctx, r.opts(m, io.Discard), svc)
	return err
}

// StartService starts svc's process, or as many replicas as it was scaled
// to behind its balancer, and waits for /readyz.
func (r *Runtime) StartService(ctx context.Context, m stackmode.Mode, svc string) error {
	_, err := restartServices(ctx, r.opts(m, io.Discard), r.stack(ctx, m), []string{svc})
	return err
}

// StopBroker stops the embedded broker, which writes its log to its data dir
// first, so topics and committed offsets survive.
func (r *Runtime) StopBroker(ctx context.Context) (bool, error) {
	if err := r.ownBroker(); err != nil {
		return false, err
	}
	res, err := stack.Stop(ctx, r.l.BrokerPID(), 15*time.Second)
	if err != nil {
		return false, fmt.Errorf("stop the broker: %w", err)
	}
	return res.Ours, nil
}

// StartBroker starts the embedded broker again and waits until it answers.
func (r *Runtime) StartBroker(ctx context.Context) error {
	if err := r.ownBroker(); err != nil {
		return err
	}
	_, _, err := ensureBroker(ctx, r.opts(stackmode.Events, io.Discard))
	return err
}

// ownBroker refuses to stop a broker flowctl did not start.
func (r *Runtime) ownBroker() error {
	if v := r.s.ExternalBrokers; v != "" {
		return fmt.Errorf("the broker is KAFKA_BROKERS=%s, which flowctl did not start and will not stop; unset KAFKA_BROKERS to use the embedded one", v)
	}
	return nil
}

// SetPropagation restarts mode's services with TRACE_PROPAGATION=p.
func (r *Runtime) SetPropagation(ctx context.Context, m stackmode.Mode, p config.Propagation) error {
	r.propagation[m] = p
	_, err := startServices(ctx, r.opts(m, io.Discard), r.stack(ctx, m))
	return err
}

// Propagation is what mode's services were last started with.
func (r *Runtime) Propagation(m stackmode.Mode) config.Propagation {
	if p, ok := r.propagation[m]; ok {
		return p
	}
	return r.s.Propagation()
}
