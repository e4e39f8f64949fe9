package native

import (
	"context"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Processes lists mode's processes from their pid files: the three
// services, and the embedded broker (events) and Jaeger when flowctl runs
// them for this stack (a broker named by KAFKA_BROKERS is not ours to
// measure).
func (r *Runtime) Processes(ctx context.Context, m stackmode.Mode) ([]stack.Process, string) {
	st := r.stack(ctx, m)
	return processes(r.l, m, len(st.Brokers) > 0 && r.s.ExternalBrokers == "", st.Jaeger)
}

func processes(l stack.Layout, m stackmode.Mode, embeddedBroker, jaeger bool) ([]stack.Process, string) {
	var out []stack.Process
	for _, svc := range stack.AllServices() {
		if p, ok := stack.RunningFromPIDFile(l.ServicePID(m, svc)); ok {
			out = append(out, stack.Process{Name: svc, PID: p.PID})
		}
		if p, ok := stack.RunningFromPIDFile(l.BalancerPID(m, svc)); ok {
			out = append(out, stack.Process{Name: svc + " balancer", PID: p.PID})
		}
		for _, i := range runningReplicas(l, m, svc) {
			if p, ok := stack.RunningFromPIDFile(l.ReplicaPID(m, svc, i)); ok {
				out = append(out, stack.Process{Name: stack.ReplicaName(svc, i), PID: p.PID})
			}
		}
	}
	if embeddedBroker {
		if p, ok := stack.RunningFromPIDFile(l.BrokerPID()); ok {
			out = append(out, stack.Process{Name: "broker (kfake)", PID: p.PID})
		}
	}
	if jaeger {
		if p, ok := stack.RunningFromPIDFile(l.JaegerPID()); ok {
			out = append(out, stack.Process{Name: "jaeger", PID: p.PID})
		}
	}
	if len(out) == 0 {
		return nil, "not measured: no pid file of a running process"
	}
	return out, ""
}
