package stackmode_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"
)

// TestStacks is what each stack's services run with and where its things are.
func TestStacks(t *testing.T) {
	tests := []struct {
		m              stackmode.Mode
		mode           config.Mode
		saga           topology.Style
		kafka          bool
		offset         int
		prefix, group  string
		orderConsumes0 string
	}{
		{stackmode.Sync, config.ModeSync, topology.Choreography, false, 0, "ws.", "ws.order-svc.sync", "inventory.v1"},
		{stackmode.Events, config.ModeEvents, topology.Choreography, true, 100, "ws.", "ws.order-svc.events", "inventory.v1"},
		{stackmode.Orchestration, config.ModeEvents, topology.Orchestration, true, 200, "ws.orch.", "ws.orch.order-svc.events", "order-saga.replies.v1"},
	}
	for _, tt := range tests {
		m := tt.m
		if m.Service() != tt.mode || m.Saga() != tt.saga || m.Kafka() != tt.kafka || m.PortOffset() != tt.offset {
			t.Errorf("%s: MODE %s SAGA %s Kafka %v offset %d", m, m.Service(), m.Saga(), m.Kafka(), m.PortOffset())
		}
		if p := m.TopicPrefix("ws."); p != tt.prefix {
			t.Errorf("%s: prefix %q, want %q", m, p, tt.prefix)
		}
		if g := m.Group("ws.", topology.OrderSvc); g != tt.group {
			t.Errorf("%s: group %q, want %q", m, g, tt.group)
		}
		if c := m.Services()[0].Consumes[0]; m.Services()[0].Name != topology.OrderSvc || c != tt.orderConsumes0 {
			t.Errorf("%s: order-svc consumes %q first, want %q", m, c, tt.orderConsumes0)
		}
	}
}

// TestTheGroupIsTheServices: flowctl names a group as the service does.
func TestTheGroupIsTheServices(t *testing.T) {
	env := map[string]string{"MODE": "events", "SAGA": "orchestration", "KAFKA_TOPIC_PREFIX": stackmode.Orchestration.TopicPrefix("ws.")}
	c, err := config.Load(topology.InventorySvc, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if g := stackmode.Orchestration.Group("ws.", topology.InventorySvc); g != c.ConsumerGroup() {
		t.Errorf("flowctl's group %q, the service's %q", g, c.ConsumerGroup())
	}
	if c.TraceServiceName() != "inventory-svc."+string(stackmode.Orchestration) {
		t.Errorf("trace name %q does not name the stack", c.TraceServiceName())
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]stackmode.Mode{
		"sync": stackmode.Sync, "events": stackmode.Events, "events-choreography": stackmode.Events,
		"events-orchestration": stackmode.Orchestration, "orchestration": stackmode.Orchestration,
	} {
		if got, err := stackmode.Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "--mode is required", "both": `--mode "both" is not a stack`, "choreography": "use sync, events"} {
		if _, err := stackmode.Parse(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", in, err, want)
		}
	}
	for in, want := range map[string][]stackmode.Mode{
		"both": {stackmode.Sync, stackmode.Events}, "all": stackmode.All, "orchestration": {stackmode.Orchestration},
	} {
		if got, err := stackmode.ParseList(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := stackmode.ParseList("three"); err == nil || !strings.Contains(err.Error(), "(or both, or all)") {
		t.Errorf("ParseList(three) = %v", err)
	}
}

func TestParseWithSaga(t *testing.T) {
	tests := []struct{ mode, saga, want, err string }{
		{"", "orchestration", "events-orchestration", ""},
		{"", "choreography", "events", ""},
		{"events", "orchestration", "events-orchestration", ""},
		{"orchestration", "orchestration", "events-orchestration", ""},
		{"events", "", "events", ""},
		{"sync", "orchestration", "", "a sync stack has no saga style"},
		{"events-orchestration", "choreography", "", "drop --saga"},
		{"", "temporal", "", `--saga "temporal"`},
	}
	for _, tt := range tests {
		got, err := stackmode.ParseWithSaga(tt.mode, tt.saga)
		if string(got) != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("--mode %q --saga %q = %q, %v; want %q, %q", tt.mode, tt.saga, got, err, tt.want, tt.err)
		}
	}
}

func TestOfService(t *testing.T) {
	for _, tt := range []struct{ mode, saga, want string }{
		{"sync", "choreography", "sync"}, {"events", "", "events"}, {"events", "choreography", "events"},
		{"events", "orchestration", "events-orchestration"},
	} {
		if got := stackmode.OfService(tt.mode, tt.saga); string(got) != tt.want {
			t.Errorf("OfService(%s, %s) = %s, want %s", tt.mode, tt.saga, got, tt.want)
		}
	}
}
