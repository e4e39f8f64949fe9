// Package stackmode is flowctl's name for one of its stacks: sync, events
// (the choreographed saga) and events-orchestration. A stack is not a
// service's MODE (that stays sync|events, platform/config): Service and Saga
// say what its services run with, Kafka whether it talks through the broker.
package stackmode

import (
	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"
)

// Mode is one of flowctl's stacks; its string is the run dir's directory,
// the --mode value, the Docker compose suffix and the trace names' suffix.
type Mode string

// The stacks, in the order status and down report them.
const (
	Sync          Mode = "sync"
	Events        Mode = "events"
	Orchestration Mode = "events-orchestration"
)

// All are the three stacks; Both are the two of `--mode both`.
var (
	All  = []Mode{Sync, Events, Orchestration}
	Both = []Mode{Sync, Events}
)

// OrchestrationPrefix goes after KAFKA_TOPIC_PREFIX in the orchestrated
// stack, so its topics and consumer groups are its own on a shared broker.
const OrchestrationPrefix = "orch."

// portStep keeps each stack 100 ports above the one before.
const portStep = 100

// Service is the MODE its services run with.
func (m Mode) Service() config.Mode {
	if m == Sync {
		return config.ModeSync
	}
	return config.ModeEvents
}

// Saga is the SAGA its services run with (a sync stack: the default).
func (m Mode) Saga() topology.Style {
	if m == Orchestration {
		return topology.Orchestration
	}
	return topology.Choreography
}

// Kafka says the stack's services talk through the broker: the one test for
// everything that reads topics, groups, lag or dead letters.
func (m Mode) Kafka() bool { return m.Service() == config.ModeEvents }

// PortOffset is how far above the sync stack's ports this stack's lie.
func (m Mode) PortOffset() int {
	switch m {
	case Events:
		return portStep
	case Orchestration:
		return 2 * portStep
	}
	return 0
}

// TopicPrefix is the stack's topic and group prefix for KAFKA_TOPIC_PREFIX base.
func (m Mode) TopicPrefix(base string) string {
	if m == Orchestration {
		return base + OrchestrationPrefix
	}
	return base
}

// Group is svc's consumer group in this stack for KAFKA_TOPIC_PREFIX base,
// as the service names it (platform/config's Config.Group).
func (m Mode) Group(base, svc string) string {
	return topology.Group(m.TopicPrefix(base), svc, string(m.Service()))
}

// Services is the topology of the stack's saga style.
func (m Mode) Services() []topology.Service {
	s, err := topology.ServicesFor(m.Saga())
	if err != nil {
		panic(err) // Saga returns only the topology's styles
	}
	return s
}

// OfService is the stack a service says it runs in: its MODE and, in events
// mode, its SAGA ("" is the default, choreography).
func OfService(mode, saga string) Mode {
	switch {
	case mode == string(config.ModeSync):
		return Sync
	case mode == string(config.ModeEvents) && saga == string(topology.Orchestration):
		return Orchestration
	case mode == string(config.ModeEvents):
		return Events
	}
	return Mode(mode)
}
