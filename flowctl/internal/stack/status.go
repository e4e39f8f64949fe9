package stack

import (
	"context"
	"path/filepath"

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

	for _, m := range Modes {
		for _, svc := range AllServices() {
			port := ServicePort(s.PortBase, m, svc)
			st := State{Name: svc, Mode: string(m), Addr: Addr(port)}
			st.PID, st.Ours = pidState(l.ServicePID(m, svc))
			st.Ready = Answers(ctx, URL(port)+"/readyz")
			if svc == topology.FraudSvc && !st.Ours && !st.Ready {
				continue // the step has not joined this stack: nothing to show
			}
			if st.Ours {
				st.Detail = "log " + l.Rel(l.ServiceLog(m, svc))
			} else if st.Ready {
				st.Detail = "answers, but flowctl did not start it"
			}
			out = append(out, st)
		}
	}
	return out, nil
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
