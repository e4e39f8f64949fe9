package native

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// Usage measures mode's components from /proc: each service's process tree,
// the embedded broker's (events) with the disk its data dir takes, and
// Jaeger's when flowctl started it (shared by both modes: KindTracing).
func (r *Runtime) Usage(_ context.Context, m stackmode.Mode) ([]usage.Component, error) {
	l, proc := r.l, procFS{root: "/proc"}
	var out []usage.Component
	// What the stack runs: fraud-svc only while the step is in the flow.
	for _, svc := range stack.Deployed(r.FraudCheck(m)) {
		comps, err := serviceUsage(proc, l, m, svc)
		if err != nil {
			return nil, err
		}
		out = append(out, comps...)
	}
	if m.Kafka() {
		b, err := r.brokerUsage(proc)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if _, ok := stack.RunningFromPIDFile(l.JaegerPID()); ok {
		j, err := proc.component(l.JaegerPID(), usage.Component{Name: "jaeger", Kind: usage.KindTracing, Impl: "Jaeger (all-in-one, in memory), shared by both modes"})
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// brokerUsage is the embedded broker: kfake in its own `flowctl broker`
// process, writing its log to the run dir's kafka-data. A broker named by
// KAFKA_BROKERS runs somewhere flowctl cannot look: not measured.
func (r *Runtime) brokerUsage(proc procFS) (usage.Component, error) {
	if v := r.s.ExternalBrokers; v != "" {
		return usage.Component{Name: "broker", Kind: usage.KindBroker, Impl: "KAFKA_BROKERS=" + v + ", not started by flowctl",
			Where: v, Running: true}, nil
	}
	l := r.l
	b, err := proc.component(l.BrokerPID(), usage.Component{Name: "broker", Kind: usage.KindBroker,
		Impl: "kfake, an embedded Go broker in its own `flowctl broker` process (not a Kafka JVM)"})
	if err != nil || !b.Running {
		return b, err
	}
	b.Log, err = logDir(l.KafkaData())
	b.Log.Path = l.Rel(l.KafkaData())
	return b, err
}

// component measures the process tree a pid file names; a pid file that is
// missing or names a process that is not ours is a component not running.
func (p procFS) component(pidPath string, c usage.Component) (usage.Component, error) {
	pr, ok := stack.RunningFromPIDFile(pidPath)
	if !ok {
		c.Where = "not running (no live process for " + pidPath + ")"
		return c, nil
	}
	t, err := p.tree(pr.PID)
	if err != nil {
		return c, fmt.Errorf("usage of %s: %w", c.Name, err)
	}
	c.Running, c.Measured = true, true
	c.Where = fmt.Sprintf("pid %d", pr.PID)
	c.Processes, c.RSSBytes, c.CPUSeconds = t.Processes, t.RSSBytes, t.CPU
	return c, nil
}

// serviceUsage is svc's process, or its balancer and each replica
// (inventory-svc#2) when it is scaled.
func serviceUsage(proc procFS, l stack.Layout, m stackmode.Mode, svc string) ([]usage.Component, error) {
	impl := "Go binary " + l.Rel(l.Bin(svc))
	if _, ok := stack.RunningFromPIDFile(l.BalancerPID(m, svc)); !ok {
		c, err := proc.component(l.ServicePID(m, svc), usage.Component{Name: svc, Kind: usage.KindService, Impl: impl})
		return []usage.Component{c}, err
	}
	lb, err := proc.component(l.BalancerPID(m, svc), usage.Component{Name: svc + " balancer", Kind: usage.KindService,
		Impl: "`flowctl lb`, a reverse proxy on the service's port"})
	if err != nil {
		return nil, err
	}
	out := []usage.Component{lb}
	for _, i := range runningReplicas(l, m, svc) {
		c, err := proc.component(l.ReplicaPID(m, svc, i), usage.Component{Name: stack.ReplicaName(svc, i), Kind: usage.KindService, Impl: impl})
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
