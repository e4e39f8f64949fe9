package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// dupsClock is the fabricated run's start; times below are offsets from it.
var dupsClock = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return dupsClock.Add(d) }

// dupsBreaks: inventory-svc#2 killed at 10 s, the broker down 20–25 s.
func dupsBreaks() []chaosBreak {
	return []chaosBreak{
		{Target: "inventory-svc", Replica: 2, Begin: at(10 * time.Second), End: at(10*time.Second + time.Millisecond)},
		{Target: brokerBreak, Begin: at(20 * time.Second), End: at(25 * time.Second)},
	}
}

var dupsProducers = map[string][]string{
	"inventory.v1": {"inventory-svc"},
	"orders.v1":    {"order-svc"},
}

func rec(topic, id string, offset int64, t time.Time) eventCopy {
	return eventCopy{Topic: topic, Offset: offset, EventID: id, Time: t, Key: []byte("o-" + id), Value: []byte(`{"id":"` + id + `"}`)}
}

func TestDuplicatesVerdictCountsEveryEventOnce(t *testing.T) {
	copies := []eventCopy{rec("orders.v1", "e1", 0, at(time.Second)), rec("inventory.v1", "e1", 0, at(2*time.Second)), rec("orders.v1", "e2", 1, at(3*time.Second))}
	v := judgeDuplicates(copies, dupsBreaks(), dupsProducers, time.Second)
	if v.Records != 3 || v.Events != 3 || len(v.Republished) != 0 || len(v.Unexplained) != 0 {
		t.Fatalf("three distinct (topic, event id) pairs: %+v", v)
	}
}

// TestDuplicatesVerdictAllowsWhatABreakExplains: a batch stamped just
// before inventory-svc#2's kill, published again by the other replica
// after it; and a batch the broker's restart cut, again after.
func TestDuplicatesVerdictAllowsWhatABreakExplains(t *testing.T) {
	copies := []eventCopy{
		rec("inventory.v1", "e1", 0, at(9500*time.Millisecond)),
		rec("inventory.v1", "e1", 1, at(12*time.Second)),
		rec("orders.v1", "e2", 0, at(19900*time.Millisecond)),
		rec("orders.v1", "e2", 1, at(19900*time.Millisecond)), // kafka-go's own retry: the same stamp
		rec("orders.v1", "e2", 2, at(26*time.Second)),
	}
	v := judgeDuplicates(copies, dupsBreaks(), dupsProducers, time.Second)
	if v.Events != 2 || len(v.Republished) != 3 || len(v.Unexplained) != 0 {
		t.Fatalf("want 3 copies explained: %+v", v)
	}
	if !strings.Contains(v.Republished[0], "SIGKILL of inventory-svc#2") || !strings.Contains(v.Republished[2], "broker restart") {
		t.Errorf("explanations name the wrong breaks: %q", v.Republished)
	}
}

// TestDuplicatesVerdictFailsEachWay fabricates a row published twice that
// no break explains, one way each: the check must catch every one.
func TestDuplicatesVerdictFailsEachWay(t *testing.T) {
	for _, c := range []struct {
		name   string
		copies []eventCopy
		want   string
	}{
		{"no break near it", []eventCopy{rec("orders.v1", "e1", 0, at(time.Second)), rec("orders.v1", "e1", 1, at(2*time.Second))}, "no SIGKILL of its producer or broker restart"},
		{"a kill of a service that does not produce the topic", []eventCopy{rec("orders.v1", "e1", 0, at(9900*time.Millisecond)), rec("orders.v1", "e1", 1, at(11*time.Second))}, "event e1 on orders.v1"},
		{"first copy long before the kill", []eventCopy{rec("inventory.v1", "e1", 0, at(5*time.Second)), rec("inventory.v1", "e1", 1, at(11*time.Second))}, "no SIGKILL"},
		{"first copy after the kill", []eventCopy{rec("inventory.v1", "e1", 0, at(11*time.Second)), rec("inventory.v1", "e1", 1, at(12*time.Second))}, "no SIGKILL"},
		{"the copy again before the kill", []eventCopy{rec("inventory.v1", "e1", 0, at(9500*time.Millisecond)), rec("inventory.v1", "e1", 1, at(9800*time.Millisecond))}, "no SIGKILL"},
		{"two rows under one event id", []eventCopy{rec("inventory.v1", "e1", 0, at(9500*time.Millisecond)), func() eventCopy {
			c := rec("inventory.v1", "e1", 1, at(12*time.Second))
			c.Value = []byte(`{"other":true}`)
			return c
		}()}, "key or value differ"},
		{"a record without an event id", []eventCopy{rec("orders.v1", "", 0, at(time.Second))}, "no event-id header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := judgeDuplicates(c.copies, dupsBreaks(), dupsProducers, time.Second)
			if got := strings.Join(v.Unexplained, "\n"); !strings.Contains(got, c.want) {
				t.Fatalf("unexplained %q lack %q (%s)", v.Unexplained, c.want, v)
			}
		})
	}
}

// TestProducersOfNamesEveryPublisher: in the orchestrated stack saga
// replies come from two services, so a kill of either explains a copy.
func TestProducersOfNamesEveryPublisher(t *testing.T) {
	log := kafkalog.LogOf(stackmode.Orchestration, "ci-")
	got := producersOf(log)
	replies := log.Prefix + events.TopicSagaReplies
	if !slices.Equal(got[replies], []string{topology.InventorySvc, topology.InvoicingSvc}) {
		t.Errorf("producers of %s: %v, want inventory-svc and invoicing-svc (all: %v)", replies, got[replies], got)
	}
	if orders := log.Prefix + events.TopicOrders; !slices.Equal(got[orders], []string{topology.OrderSvc}) {
		t.Errorf("producers of %s: %v, want order-svc", orders, got[orders])
	}
}
