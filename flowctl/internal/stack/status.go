package stack

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/orderflow/flowctl/internal/stackmode"

	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"
)

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

// Status reports the broker, Jaeger and each stack's services: what answers
// on their ports, and which of them are processes flowctl started.
func (s *Stacks) Status(ctx context.Context) ([]State, error) {
	l, err := s.Layout()
	if err != nil {
		return nil, err
	}
	var out []State

	b := State{Name: "broker", Addr: Addr(s.BrokerPort)}
	if v := s.ExternalBrokers; v != "" {
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
	j.Ready = Answers(ctx, JaegerHealth) && Answers(ctx, JaegerServices)
	if !j.Ours && j.Ready {
		j.Detail = "answers, but flowctl did not start it"
	}
	out = append(out, j)
	if d, ok := dashboardState(ctx, l); ok {
		out = append(out, d)
	}

	stater := s.stackStater(ctx)
	for _, m := range Modes {
		if stater != nil {
			rows, err := stater.StackStates(ctx, m)
			if err != nil {
				return nil, err
			}
			if len(rows) > 0 {
				out = append(out, rows...)
				continue
			}
		}
		runs := false
		for _, svc := range AllServices() {
			port := ServicePort(s.PortBase, m, svc)
			st := State{Name: svc, Mode: string(m), Addr: Addr(port)}
			st.PID, st.Ours = pidState(l.ServicePID(m, svc))
			st.Ready = Answers(ctx, URL(port)+"/readyz")
			replicas := replicaStates(ctx, l, m, svc, port)
			if lb, ok := pidState(l.BalancerPID(m, svc)); ok {
				st.PID, st.Ours = lb, true
				st.Detail = fmt.Sprintf("balancer over %d replica(s), log %s", len(replicas), l.Rel(l.BalancerLog(m, svc)))
			}
			if svc == topology.FraudSvc && !st.Ours && !st.Ready {
				continue // the step has not joined this stack: nothing to show
			}
			switch {
			case st.Detail != "":
			case st.Ours:
				st.Detail = "log " + l.Rel(l.ServiceLog(m, svc))
			case st.Ready:
				st.Detail = "answers, but flowctl did not start it"
			}
			runs = runs || st.Ours
			out = append(out, st)
			out = append(out, replicas...)
		}
		if runs {
			out = append(out, State{Name: "store", Mode: string(m), Ours: true, Ready: true, Detail: s.StoreOf(l, m)})
		}
	}
	return out, nil
}

// StackStater is a runtime that says itself what of a stack runs, for
// status (Docker: from its containers, replicas included). The native
// stacks are read here, from the run dir and the ports.
type StackStater interface {
	// StackStates are mode's stack's rows: each service, its replicas
	// after it, and the store; none when the stack does not run there.
	StackStates(ctx context.Context, mode stackmode.Mode) ([]State, error)
}

// stackStater is the runtime (Each) that holds stacks and says their
// states itself, if any.
func (s *Stacks) stackStater(ctx context.Context) StackStater {
	for _, rt := range s.Each(ctx) {
		if st, ok := rt.(StackStater); ok && rt.Holds(ctx) {
			return st
		}
	}
	return nil
}

// replicaStates are svc's running replicas (inventory-svc#2), each on its
// own port (ReplicaPort).
func replicaStates(ctx context.Context, l Layout, m stackmode.Mode, svc string, port int) []State {
	var out []State
	for i := 1; i <= MaxReplicas; i++ {
		pid, ok := pidState(l.ReplicaPID(m, svc, i))
		if !ok {
			continue
		}
		p := ReplicaPort(port, i)
		out = append(out, State{Name: ReplicaName(svc, i), Mode: string(m), Addr: Addr(p), PID: pid, Ours: true,
			Ready: Answers(ctx, URL(p)+"/readyz"), Detail: "log " + l.Rel(l.ReplicaLog(m, svc, i))})
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
