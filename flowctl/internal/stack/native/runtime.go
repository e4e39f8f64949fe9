// Package native runs the stacks as processes on this machine: it builds
// the service binaries, runs the embedded Kafka broker and Jaeger, starts
// each stack's services detached and stops exactly what it started (pid
// files whose command line is checked before any signal is sent).
package native

import (
	"context"
	"fmt"
	"io"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Kind is the native runtime's --runtime value.
const Kind stack.RuntimeKind = "native"

// Provider opens the native runtime. It needs nothing from the machine
// beyond Go, so it is auto's fallback.
type Provider struct{}

func (Provider) Kind() stack.RuntimeKind { return Kind }
func (Provider) Name() string            { return "native" }

// Open never fails for lack of a platform; only a missing repository root
// stops it.
func (Provider) Open(_ context.Context, s *stack.Stacks) (stack.Runtime, error) {
	l, err := s.Layout()
	if err != nil {
		return nil, err
	}
	return New(s, l), nil
}

// Runtime stops and starts the processes of the native stacks.
type Runtime struct {
	s *stack.Stacks
	l stack.Layout
	// stacks are the stacks brought up or found, by mode.
	stacks map[stackmode.Mode]stack.Stack
	// propagation overrides TRACE_PROPAGATION per mode after SetPropagation.
	propagation map[stackmode.Mode]config.Propagation
	// env are SetEnv's variables, by mode and service.
	env map[stackmode.Mode]map[string]map[string]string
}

// New is the native runtime of s, whose run dir is l.
func New(s *stack.Stacks, l stack.Layout) *Runtime {
	return &Runtime{s: s, l: l, stacks: map[stackmode.Mode]stack.Stack{},
		propagation: map[stackmode.Mode]config.Propagation{}, env: map[stackmode.Mode]map[string]map[string]string{}}
}

func (r *Runtime) Runtime() string { return string(Kind) }

// JaegerUI is false: the Jaeger built from source serves a placeholder page.
func (r *Runtime) JaegerUI() bool { return false }

// Holds says whether a service of flowctl's runs from this run dir.
func (r *Runtime) Holds(context.Context) bool {
	for _, m := range stack.Modes {
		if r.Running(context.Background(), m) == nil {
			return true
		}
	}
	return false
}

// Usable: the native runtime builds what it runs.
func (r *Runtime) Usable(context.Context) error { return nil }

// Running is nil when order-svc or inventory-svc of mode's stack runs, as
// one process or behind its balancer (one of them may be stopped on
// purpose).
func (r *Runtime) Running(_ context.Context, m stackmode.Mode) error {
	for _, svc := range []string{topology.OrderSvc, topology.InventorySvc} {
		if _, ok := stack.RunningFromPIDFile(r.l.ServicePID(m, svc)); ok {
			return nil
		}
		if _, ok := stack.RunningFromPIDFile(r.l.BalancerPID(m, svc)); ok {
			return nil
		}
	}
	return fmt.Errorf("no %s stack of flowctl's runs here (run dir %s): start it with `flowctl up --mode %s`", m, r.l.Rel(r.l.RunDir), m)
}

// URLs are where mode's services answer: the configured port base.
func (r *Runtime) URLs(m stackmode.Mode) map[string]string { return r.s.URLs(m) }

// stack is mode's stack as brought up, or as found: its services at the
// port base, the broker (events) and Jaeger if it answers.
func (r *Runtime) stack(ctx context.Context, m stackmode.Mode) stack.Stack {
	if st, ok := r.stacks[m]; ok {
		return st
	}
	st := stack.Stack{Mode: m, URLs: r.s.URLs(m), Jaeger: r.s.JaegerRuns(ctx)}
	if m.Kafka() {
		st.Brokers = r.s.Brokers
	}
	r.stacks[m] = st
	return st
}

// opts are the options mode's processes start with: the stack's wiring, the
// propagation SetPropagation chose and SetEnv's variables.
func (r *Runtime) opts(m stackmode.Mode, progress io.Writer) Options {
	tok, _ := r.s.Token() // without a token the fault API is off, as the services' default
	o := Options{Layout: r.l, Mode: m, PortBase: r.s.PortBase, BrokerPort: r.s.BrokerPort, Self: r.s.Self,
		BaseEnv: r.s.BaseEnv(), Vars: r.s.ServiceVars(), SpanExportDelay: r.s.SpanExportDelay(), JaegerCache: r.s.JaegerCacheDir(),
		Progress: progress, ExternalBrokers: r.s.ExternalBrokers, Brokers: r.s.Brokers, Token: tok, ServiceEnv: r.env[m],
		FraudCheck: r.FraudCheck(m), DatabaseURL: r.databaseURL(m)}
	if p, ok := r.propagation[m]; ok {
		if p == "" {
			delete(o.Vars, "TRACE_PROPAGATION")
		} else {
			o.Vars["TRACE_PROPAGATION"] = string(p)
		}
	}
	return o
}

// Up brings mode's stack up natively: build, broker (events), Jaeger,
// services.
func (r *Runtime) Up(ctx context.Context, m stackmode.Mode, u stack.UpOptions) (stack.Stack, error) {
	fmt.Fprintf(u.Progress, "bringing up the %s stack natively (run dir %s)\n", m, r.l.Rel(r.l.RunDir))
	if err := r.prepareStore(ctx, m, u); err != nil {
		return stack.Stack{Mode: m}, err
	}
	o := r.opts(m, u.Progress)
	o.NoJaeger, o.TTY, o.FraudCheck, o.Replicas = u.NoJaeger, u.TTY, u.FraudCheck, u.Replicas
	st, err := Up(ctx, o, u.Step)
	if err == nil {
		r.stacks[m] = st
	}
	return st, err
}

// Down stops the services of modes and, with infra, the dashboard, Jaeger
// and the broker.
func (r *Runtime) Down(ctx context.Context, modes []stackmode.Mode, infra bool, w io.Writer) (int, error) {
	stopped, err := Down(ctx, r.l, modes, infra)
	n := 0
	for _, s := range stopped {
		switch {
		case s.Stale:
			fmt.Fprintf(w, "removed stale pid file of %s (pid %d is gone or not a process flowctl started; left alone)\n", s.What, s.PID)
		case s.Killed:
			fmt.Fprintf(w, "stopped %s (pid %d) with SIGKILL: it ignored SIGTERM for 10s\n", s.What, s.PID)
			n++
		case s.PID == 0:
			fmt.Fprintf(w, "stopped %s\n", s.What)
			n++
		default:
			fmt.Fprintf(w, "stopped %s (pid %d)\n", s.What, s.PID)
			n++
		}
	}
	return n, err
}
