package stack

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/kafkaconf"
)

// StopGrace is how long a process gets between SIGTERM and SIGKILL.
const StopGrace = 10 * time.Second

// Stopped is one pid file Down dealt with.
type Stopped struct {
	What   string `json:"what"`
	PID    int    `json:"pid"`
	Killed bool   `json:"killed,omitempty"` // needed SIGKILL
	// Stale: the pid file named a process that is gone or not flowctl's; only
	// the file was removed.
	Stale bool `json:"stale,omitempty"`
}

// Down stops the services of modes and, when infra is set, the dashboard,
// Jaeger and the broker (they serve both stacks, so they stop only with
// everything). It
// touches nothing but processes its pid files name and that still run the
// command flowctl started.
func Down(ctx context.Context, l Layout, modes []config.Mode, infra bool) ([]Stopped, error) {
	type target struct{ what, pid string }
	var targets []target
	for _, m := range modes {
		for _, svc := range Services {
			targets = append(targets, target{fmt.Sprintf("%s (%s)", svc, m), l.ServicePID(m, svc)})
		}
	}
	if infra {
		targets = append(targets, target{"dashboard", l.DashboardPID()}, target{"jaeger", l.JaegerPID()}, target{"broker", l.BrokerPID()})
	}
	var out []Stopped
	var errs []error
	for _, t := range targets {
		res, err := Stop(ctx, t.pid, StopGrace)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.what, err))
			continue
		}
		if res.Found {
			out = append(out, Stopped{What: t.what, PID: res.Proc.PID, Killed: res.Killed, Stale: !res.Ours})
		}
	}
	return out, errors.Join(errs...)
}

// State is what status shows for one part.
type State struct {
	Name   string `json:"name"`
	Mode   string `json:"mode,omitempty"`
	Addr   string `json:"addr"`
	PID    int    `json:"pid,omitempty"`
	Ours   bool   `json:"ours"`  // a live process flowctl started
	Ready  bool   `json:"ready"` // it answers
	Detail string `json:"detail,omitempty"`
}

// StatusOptions say where to look.
type StatusOptions struct {
	Layout     Layout
	PortBase   int
	BrokerPort int
	Getenv     func(string) string
}

// Status reports the broker, Jaeger and each stack's services.
func Status(ctx context.Context, o StatusOptions) []State {
	l := o.Layout
	var out []State

	b := State{Name: "broker", Addr: Addr(o.BrokerPort)}
	if v := o.Getenv("KAFKA_BROKERS"); v != "" {
		b.Addr, b.Detail = v, "KAFKA_BROKERS (not flowctl's)"
	} else {
		b.PID, b.Ours = pidState(l.BrokerPID())
	}
	b.Ready = kafkaconf.Ping(ctx, []string{b.Addr}) == nil
	if !b.Ours && b.Ready && b.Detail == "" {
		b.Detail = "answers, but flowctl did not start it"
	}
	out = append(out, b)

	j := State{Name: "jaeger", Addr: JaegerUI}
	j.PID, j.Ours = pidState(l.JaegerPID())
	j.Ready = Answers(ctx, jaegerHealth) && Answers(ctx, jaegerServices)
	if !j.Ours && j.Ready {
		j.Detail = "answers, but flowctl did not start it"
	}
	out = append(out, j)
	if d, ok := dashboardState(ctx, l); ok {
		out = append(out, d)
	}

	for _, m := range Modes {
		for _, svc := range Services {
			port := ServicePort(o.PortBase, m, svc)
			s := State{Name: svc, Mode: string(m), Addr: Addr(port)}
			s.PID, s.Ours = pidState(l.ServicePID(m, svc))
			s.Ready = Answers(ctx, URL(port)+"/readyz")
			if s.Ours {
				s.Detail = "log " + l.Rel(l.ServiceLog(m, svc))
			} else if s.Ready {
				s.Detail = "answers, but flowctl did not start it"
			}
			out = append(out, s)
		}
	}
	return out
}

func pidState(path string) (int, bool) {
	p, ok := RunningFromPIDFile(path)
	if !ok {
		return 0, false
	}
	return p.PID, true
}

// Name is a process's binary name, for messages.
func (p Proc) Name() string {
	if len(p.Cmdline) == 0 {
		return "?"
	}
	return filepath.Base(p.Cmdline[0])
}
