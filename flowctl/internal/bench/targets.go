package bench

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// StackInfo is what the bench needs to know of a running stack.
type StackInfo struct {
	Mode        stackmode.Mode
	URLs        map[string]string // by service
	Brokers     []string          // events mode
	AdminToken  string
	TopicPrefix string
	// Runtime says which of the stack's processes the meter samples.
	Runtime stack.Runtime
}

// drainedService is the consumer whose backlog the drain measures: the
// first hop of either events flow (orders.v1 in choreography, the reserve
// commands in orchestration).
const drainedService = topology.InventorySvc

// ModeTarget is a mode's stack as a bench target. Every stack gets the same
// target; only a stack on the broker has a consumer to drain, and its
// topics and groups are those of its saga style under its prefix.
func ModeTarget(si StackInfo) Target {
	s := &Stack{
		Mode:      string(si.Mode),
		OrderURL:  si.URLs[topology.OrderSvc],
		Inventory: api.NewInventory(si.URLs[topology.InventorySvc], nil),
		Procs:     func() ([]Proc, string) { return procsOf(si) },
		Ledger:    stackLedger(si),
		Messages:  messageCounter(si),
	}
	if si.Mode.Kafka() && len(si.Brokers) > 0 {
		l := kafkalog.LogOf(si.Mode, si.TopicPrefix)
		admin := api.NewAdmin(si.URLs[drainedService], drainedService, si.AdminToken, &http.Client{Timeout: 5 * time.Second})
		if si.Runtime != nil {
			// Paused consumers must be every replica's (--replicas): one
			// replica's would leave the others draining.
			admin.EachReplica(stack.AdminReplicas(func(context.Context) (stack.Runtime, error) { return si.Runtime, nil }, si.Mode, drainedService))
		}
		topics := topology.Prefixed(l.Prefix, consumes(l, drainedService))
		s.Drain = NewFaultDrainer(drainedService, admin, func(ctx context.Context) (int64, error) {
			return kafkalog.GroupLag(ctx, si.Brokers, l.Group(drainedService), topics)
		})
		s.Backlog = func(ctx context.Context) (int64, error) { return backlog(ctx, si.Brokers, l) }
	}
	return Target{Name: string(si.Mode), Unit: "orders/s", Step: s.OrderStep, Measure: s.MeasuredStep, Stack: s}
}

// consumes is what svc consumes in l's stack (unprefixed).
func consumes(l kafkalog.Log, svc string) []string {
	for _, s := range l.Services() {
		if s.Name == svc {
			return s.Consumes
		}
	}
	return nil
}

// backlog is the sum of every consumer group's lag in the stack: each
// service its saga style says consumes, in its group, on what it consumes
// (as `flowctl lag` lists them).
func backlog(ctx context.Context, brokers []string, l kafkalog.Log) (int64, error) {
	var sum int64
	for _, svc := range l.Services() {
		if len(svc.Consumes) == 0 {
			continue
		}
		n, err := kafkalog.GroupLag(ctx, brokers, l.Group(svc.Name), topology.Prefixed(l.Prefix, svc.Consumes))
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
}

// procsOf lists the stack's processes as its runtime finds them.
func procsOf(si StackInfo) ([]Proc, string) {
	if si.Runtime == nil {
		return nil, "not measured"
	}
	ps, why := si.Runtime.Processes(context.Background(), si.Mode)
	out := make([]Proc, len(ps))
	for i, p := range ps {
		out[i] = Proc{Name: p.Name, PID: p.PID}
	}
	return out, why
}

// KafkaTarget is the bare Kafka pipeline on brokers.
func KafkaTarget(brokers []string, replication int) Target {
	return Target{Name: "kafka 3-hop", Baseline: true, Unit: "events/s",
		Open: func(ctx context.Context) (StepFunc, func() error, error) {
			if len(brokers) == 0 {
				return nil, nil, errors.New("no Kafka broker to run on: the events stack brings one up")
			}
			p, err := StartKafkaPipe(ctx, brokers, replication)
			if err != nil {
				return nil, nil, err
			}
			return p.Step, func() error { return p.Close(ctx) }, nil
		}}
}

// EchoTarget is the bare HTTP call chain on loopback.
func EchoTarget() Target {
	return Target{Name: "http 3-hop", Baseline: true, Unit: "requests/s",
		Open: func(context.Context) (StepFunc, func() error, error) {
			e, err := StartEchoChain()
			if err != nil {
				return nil, nil, err
			}
			return e.Step, func() error { e.Close(); return nil }, nil
		}}
}
