package kafkalog

import (
	"slices"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"
)

// Log is one stack's part of the broker: its topics and consumer groups,
// under its topic prefix and by its saga style (the zero Log is the events
// stack's without KAFKA_TOPIC_PREFIX).
type Log struct {
	Mode   stackmode.Mode
	Prefix string // the stack's own: KAFKA_TOPIC_PREFIX and the stack's part
}

// LogOf is m's log for KAFKA_TOPIC_PREFIX base.
func LogOf(m stackmode.Mode, base string) Log { return Log{Mode: m, Prefix: m.TopicPrefix(base)} }

func (l Log) mode() stackmode.Mode {
	if l.Mode == "" {
		return stackmode.Events
	}
	return l.Mode
}

// Services are the stack's services with what they consume and produce.
func (l Log) Services() []topology.Service { return l.mode().Services() }

// Group is svc's consumer group.
func (l Log) Group(svc string) string {
	return topology.Group(l.Prefix, svc, string(l.mode().Service()))
}

// Topics are every topic of the stack's flow.
func (l Log) Topics() []string {
	all, err := topology.AllTopicsFor(l.mode().Saga())
	if err != nil {
		panic(err) // a stackmode.Mode's saga is one of the topology's
	}
	return topology.Prefixed(l.Prefix, all)
}

// DLQTopics are the dead-letter topics: one per topic a service consumes,
// in Topics' order.
func (l Log) DLQTopics() []string {
	var consumed []string
	for _, s := range l.Services() {
		consumed = append(consumed, topology.Prefixed(l.Prefix, s.Consumes)...)
	}
	var out []string
	for _, t := range l.Topics() {
		if slices.Contains(consumed, t) {
			out = append(out, events.DLQ(t))
		}
	}
	return out
}
