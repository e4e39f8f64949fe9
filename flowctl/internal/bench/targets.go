package bench

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stack"
)

// StackInfo is what the bench needs to know of a running stack.
type StackInfo struct {
	Mode        config.Mode
	URLs        map[string]string // by service
	Brokers     []string          // events mode
	AdminToken  string
	TopicPrefix string
	// Layout is set on the native runtime, where the processes' pid files
	// are; nil on Docker, where Containers (if set) finds them.
	Layout     *stack.Layout
	Containers func(ctx context.Context) ([]Proc, error)
	// Jaeger says the stack exports traces to a Jaeger flowctl runs;
	// EmbeddedBroker that Brokers is flowctl's own (not KAFKA_BROKERS).
	Jaeger, EmbeddedBroker bool
}

// drainedService is the consumer whose backlog the drain measures: the
// first hop of the events flow, reading orders.v1.
const drainedService = "inventory-svc"

// ModeTarget is a mode's stack as a bench target. Both modes get the same
// target; only a stack with brokers has a consumer to drain.
func ModeTarget(si StackInfo) Target {
	s := &Stack{
		Mode:      string(si.Mode),
		OrderURL:  si.URLs["order-svc"],
		Inventory: api.NewInventory(si.URLs["inventory-svc"], nil),
		Procs:     func() ([]Proc, string) { return procsOf(si) },
	}
	if len(si.Brokers) > 0 {
		admin := api.NewAdmin(si.URLs[drainedService], drainedService, si.AdminToken, &http.Client{Timeout: 5 * time.Second})
		group := si.TopicPrefix + drainedService + "." + string(si.Mode)
		topics := []string{si.TopicPrefix + events.TopicOrders}
		s.Drain = NewFaultDrainer(drainedService, admin, func(ctx context.Context) (int64, error) {
			return kafkalog.GroupLag(ctx, si.Brokers, group, topics)
		})
		s.Backlog = func(ctx context.Context) (int64, error) { return backlog(ctx, si) }
	}
	return Target{Name: string(si.Mode), Unit: "orders/s", Step: s.OrderStep, Stack: s}
}

// consumer is a service of the events stack and the topics it consumes.
type consumer struct {
	service string
	topics  []string
}

// consumers are the events stack's consumers, as the services wire them
// (and `flowctl lag` lists them).
func consumers() []consumer {
	return []consumer{
		{"inventory-svc", []string{events.TopicOrders}},
		{"invoicing-svc", []string{events.TopicInventory}},
		{"order-svc", []string{events.TopicInventory, events.TopicInvoicing}},
	}
}

// backlog is the sum of every consumer group's lag in the stack.
func backlog(ctx context.Context, si StackInfo) (int64, error) {
	var sum int64
	for _, c := range consumers() {
		var topics []string
		for _, t := range c.topics {
			topics = append(topics, si.TopicPrefix+t)
		}
		n, err := kafkalog.GroupLag(ctx, si.Brokers, si.TopicPrefix+c.service+"."+string(si.Mode), topics)
		if err != nil {
			return 0, err
		}
		sum += n
	}
	return sum, nil
}

// procsOf lists the stack's processes from their pid files: the three
// services, and the embedded broker and Jaeger when flowctl runs them (they
// work for this stack during its runs; a broker named by KAFKA_BROKERS is
// not ours to measure).
func procsOf(si StackInfo) ([]Proc, string) {
	if si.Layout == nil {
		if si.Containers != nil {
			return dockerProcs(si.Containers)
		}
		return nil, "not measured on Docker"
	}
	l := *si.Layout
	var out []Proc
	for _, svc := range stack.Services {
		if p, ok := stack.RunningFromPIDFile(l.ServicePID(si.Mode, svc)); ok {
			out = append(out, Proc{Name: svc, PID: p.PID})
		}
	}
	if si.EmbeddedBroker && len(si.Brokers) > 0 {
		if p, ok := stack.RunningFromPIDFile(l.BrokerPID()); ok {
			out = append(out, Proc{Name: "broker (kfake)", PID: p.PID})
		}
	}
	if si.Jaeger {
		if p, ok := stack.RunningFromPIDFile(l.JaegerPID()); ok {
			out = append(out, Proc{Name: "jaeger", PID: p.PID})
		}
	}
	if len(out) == 0 {
		return nil, "not measured: no pid file of a running process"
	}
	return out, ""
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
