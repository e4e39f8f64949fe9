package stack

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/config"
)

// NativeControl stops and starts the processes of native stacks, for the
// scenarios (it satisfies scenario.Control).
type NativeControl struct {
	// Options are the options each mode's stack was brought up with.
	Options map[config.Mode]Options
	Stacks  map[config.Mode]Stack
	// propagation overrides TRACE_PROPAGATION per mode after SetPropagation.
	propagation map[config.Mode]config.Propagation
	// env are SetEnv's variables, by mode and service.
	env map[config.Mode]map[string]map[string]string
}

// NewNativeControl controls the stacks brought up with opts.
func NewNativeControl(opts map[config.Mode]Options, stacks map[config.Mode]Stack) *NativeControl {
	return &NativeControl{Options: opts, Stacks: stacks, propagation: map[config.Mode]config.Propagation{}, env: map[config.Mode]map[string]map[string]string{}}
}

func (c *NativeControl) Runtime() string { return string(RuntimeNative) }

func (c *NativeControl) opts(m config.Mode) (Options, Stack, error) {
	o, ok := c.Options[m]
	if !ok {
		return Options{}, Stack{}, fmt.Errorf("no %s stack was brought up", m)
	}
	if p, ok := c.propagation[m]; ok {
		getenv := o.Getenv
		o.Getenv = func(k string) string {
			if k == "TRACE_PROPAGATION" {
				return string(p)
			}
			return getenv(k)
		}
	}
	o.ServiceEnv = c.env[m]
	return o, c.Stacks[m], nil
}

// StopService stops svc's process (SIGTERM, then SIGKILL after 10 s).
func (c *NativeControl) StopService(ctx context.Context, m config.Mode, svc string) error {
	o, _, err := c.opts(m)
	if err != nil {
		return err
	}
	if _, err := Stop(ctx, o.Layout.ServicePID(m, svc), 10*time.Second); err != nil {
		return fmt.Errorf("stop %s (%s): %w", svc, m, err)
	}
	return nil
}

// StartService starts svc's process and waits for its /readyz.
func (c *NativeControl) StartService(ctx context.Context, m config.Mode, svc string) error {
	o, st, err := c.opts(m)
	if err != nil {
		return err
	}
	_, err = restartServices(ctx, o, st, []string{svc})
	return err
}

// StopBroker stops the embedded broker, which writes its log to its data dir
// first, so topics and committed offsets survive.
func (c *NativeControl) StopBroker(ctx context.Context) (bool, error) {
	o, err := c.anyOptions()
	if err != nil {
		return false, err
	}
	if err := ownBroker(o); err != nil {
		return false, err
	}
	res, err := Stop(ctx, o.Layout.BrokerPID(), 15*time.Second)
	if err != nil {
		return false, fmt.Errorf("stop the broker: %w", err)
	}
	return res.Ours, nil
}

// StartBroker starts the embedded broker again and waits until it answers.
func (c *NativeControl) StartBroker(ctx context.Context) error {
	o, err := c.anyOptions()
	if err != nil {
		return err
	}
	if err := ownBroker(o); err != nil {
		return err
	}
	_, _, err = ensureBroker(ctx, o)
	return err
}

// ownBroker refuses to stop a broker flowctl did not start.
func ownBroker(o Options) error {
	if v := strings.TrimSpace(o.Getenv("KAFKA_BROKERS")); v != "" {
		return fmt.Errorf("the broker is KAFKA_BROKERS=%s, which flowctl did not start and will not stop; unset KAFKA_BROKERS to use the embedded one", v)
	}
	return nil
}

// anyOptions are the options of the events stack (the one with a broker),
// else of any stack: the broker is shared.
func (c *NativeControl) anyOptions() (Options, error) {
	if o, ok := c.Options[config.ModeEvents]; ok {
		return o, nil
	}
	for _, m := range slices.Sorted(maps.Keys(c.Options)) {
		return c.Options[m], nil
	}
	return Options{}, errors.New("no stack was brought up")
}

// SetPropagation restarts mode's services with TRACE_PROPAGATION=p.
func (c *NativeControl) SetPropagation(ctx context.Context, m config.Mode, p config.Propagation) error {
	if _, ok := c.Options[m]; !ok {
		return fmt.Errorf("no %s stack was brought up", m)
	}
	c.propagation[m] = p
	o, st, _ := c.opts(m)
	_, err := startServices(ctx, o, st)
	return err
}

// Propagation is what mode's services were last started with.
func (c *NativeControl) Propagation(m config.Mode) config.Propagation {
	if p, ok := c.propagation[m]; ok {
		return p
	}
	if o, ok := c.Options[m]; ok {
		if v := o.Getenv("TRACE_PROPAGATION"); v != "" {
			return config.Propagation(v)
		}
	}
	return config.PropagationChild
}
