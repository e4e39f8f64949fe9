package kafkalog_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// allTopics are the three topics and their dead-letter topics under prefix.
func allTopics(prefix string) []string {
	return append(kafkalog.Topics(prefix), kafkalog.DLQTopics(prefix)...)
}

// deadLetter writes value to topic's dead-letter topic as the services'
// consumer does: the producer's headers plus the dlq-* ones. It returns the
// dead letter's position.
func deadLetter(t *testing.T, brokers []string, topic string, key, value []byte, headers map[string]string, cause string, origPart int, origOff int64) kafkalog.Position {
	t.Helper()
	h := map[string]string{}
	for k, v := range headers {
		h[k] = v
	}
	h[kafkaconf.HeaderDLQError] = cause
	h[kafkaconf.HeaderDLQTopic] = topic
	h[kafkaconf.HeaderDLQPartition] = strconv.Itoa(origPart)
	h[kafkaconf.HeaderDLQOffset] = strconv.FormatInt(origOff, 10)
	h[kafkaconf.HeaderDLQGroup] = "inventory-svc.events"
	p, o, err := kafkalog.Publish(ctx(t), brokers, events.DLQ(topic), key, value, h)
	if err != nil {
		t.Fatal(err)
	}
	return kafkalog.Position{Topic: events.DLQ(topic), Partition: p, Offset: o}
}

func TestListDLQDecodesHeaders(t *testing.T) {
	const prefix = "ws1."
	brokers := cluster(t, allTopics(prefix)...)
	orders := prefix + events.TopicOrders
	id, env, value := envelope(t, 1)
	headers := map[string]string{kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID, "traceparent": "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01"}
	pos := deadLetter(t, brokers, orders, []byte(id), value, headers, "invalid event: items[0].sku is malformed", 2, 41)
	// A value that is not an envelope at all, dead-lettered without event headers.
	deadLetter(t, brokers, prefix+events.TopicInvoicing, []byte("ord-bad"), []byte("{not json"), nil, "invalid event: envelope is not valid JSON", 0, 7)

	got, err := kafkalog.ListDLQ(ctx(t), brokers, kafkalog.Log{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("ListDLQ returned %d entries, want 2: %+v", len(got), got)
	}
	e := got[0]
	if e.Position() != pos || e.OriginalTopic != orders || e.OriginalPartition != 2 || e.OriginalOffset != 41 ||
		e.Group != "inventory-svc.events" || !strings.Contains(e.Error, "sku is malformed") ||
		e.EventType != events.TypeOrderPlaced || e.EventID != env.ID || e.OrderID != id || e.Target() != orders ||
		e.RedrivenTo != nil || e.RedrivenFrom != nil {
		t.Fatalf("entry = %+v", e)
	}
	bad := got[1]
	if bad.Topic != events.DLQ(prefix+events.TopicInvoicing) || bad.OrderID != "ord-bad" || bad.EventID != "" || !strings.Contains(bad.Error, "not valid JSON") {
		t.Fatalf("malformed entry = %+v", bad)
	}
	if d := bad.Decode(); !errors.Is(d.Err, events.ErrInvalid) {
		t.Fatalf("malformed entry decodes: %v", d.Err)
	}

	// The prefix matters: without it there are no such topics, so nothing.
	if got, err := kafkalog.ListDLQ(ctx(t), brokers, kafkalog.Log{}); err != nil || len(got) != 0 {
		t.Fatalf("ListDLQ without the prefix = %d entries, %v; want none", len(got), err)
	}
}

func TestRedrive(t *testing.T) {
	brokers := cluster(t, allTopics("")...)
	id1, env1, v1 := envelope(t, 1)
	id2, env2, v2 := envelope(t, 2)
	h1 := map[string]string{kafkaconf.HeaderEventType: env1.Type, kafkaconf.HeaderEventID: env1.ID, "traceparent": "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01"}
	h2 := map[string]string{kafkaconf.HeaderEventType: env2.Type, kafkaconf.HeaderEventID: env2.ID}
	dl1 := deadLetter(t, brokers, events.TopicOrders, []byte(id1), v1, h1, "invalid event: boom", 0, 3)
	dl2 := deadLetter(t, brokers, events.TopicInventory, []byte(id2), v2, h2, "invalid event: bang", 1, 9)
	records := func(topic string) []kafkalog.Record {
		t.Helper()
		recs, err := kafkalog.ReadAll(ctx(t), brokers, topic)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}

	// A dry run says where each would go and writes nothing.
	dry, err := kafkalog.Redrive(ctx(t), brokers, kafkalog.Log{}, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(dry) != 2 || dry[0].Outcome != kafkalog.WouldPublish || dry[1].Outcome != kafkalog.WouldPublish {
		t.Fatalf("dry run = %+v", dry)
	}
	if n := len(records(events.TopicOrders)) + len(records(events.TopicInventory)); n != 0 {
		t.Fatalf("a dry run published %d records", n)
	}

	// Redrive one by event id: only it is published, as it was.
	byID := func(id string) func(kafkalog.DLQEntry) bool {
		return func(e kafkalog.DLQEntry) bool { return e.EventID == id }
	}
	got, err := kafkalog.Redrive(ctx(t), brokers, kafkalog.Log{}, byID(env1.ID), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Outcome != kafkalog.Published || got[0].Entry.Position() != dl1 || got[0].To.Topic != events.TopicOrders {
		t.Fatalf("Redrive by event id = %+v", got)
	}
	if dry[0].Entry.Position() == dl1 && dry[0].To.Partition != got[0].To.Partition {
		t.Fatalf("the dry run said partition %d, the redrive used %d", dry[0].To.Partition, got[0].To.Partition)
	}
	recs := records(events.TopicOrders)
	if len(recs) != 1 {
		t.Fatalf("orders.v1 holds %d records after one redrive, want 1", len(recs))
	}
	c := recs[0]
	if c.Position() != got[0].To || string(c.Key) != id1 || string(c.Value) != string(v1) {
		t.Fatalf("copy = %+v, want key %s and the original value at %v", c, id1, got[0].To)
	}
	for k := range c.Headers {
		if strings.HasPrefix(k, "dlq-") {
			t.Fatalf("copy kept header %s", k)
		}
	}
	if c.Header(kafkalog.HeaderRedrivenFrom) != dl1.String() || c.Header("traceparent") != h1["traceparent"] || c.Header(kafkaconf.HeaderEventID) != env1.ID {
		t.Fatalf("copy headers = %v", c.Headers)
	}

	// Redrive all: the first is already done, only the second is published.
	got, err = kafkalog.Redrive(ctx(t), brokers, kafkalog.Log{}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[kafkalog.Position]kafkalog.Outcome{}
	for _, r := range got {
		outcomes[r.Entry.Position()] = r.Outcome
	}
	if len(got) != 2 || outcomes[dl1] != kafkalog.AlreadyRedriven || outcomes[dl2] != kafkalog.Published {
		t.Fatalf("Redrive all = %+v", got)
	}
	// A second redrive publishes nothing.
	got, err = kafkalog.Redrive(ctx(t), brokers, kafkalog.Log{}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.Outcome != kafkalog.AlreadyRedriven {
			t.Fatalf("second redrive: %v is %s", r.Entry.Position(), r.Outcome)
		}
	}
	if n, m := len(records(events.TopicOrders)), len(records(events.TopicInventory)); n != 1 || m != 1 {
		t.Fatalf("after redriving twice: orders.v1 %d, inventory.v1 %d records; want 1 and 1", n, m)
	}

	// The copy is still invalid for the consumer, which dead-letters it again:
	// a new dead letter, pointing back at the one it was redriven from.
	again := deadLetter(t, brokers, events.TopicOrders, c.Key, c.Value, c.Headers, "invalid event: boom", c.Partition, c.Offset)
	list, err := kafkalog.ListDLQ(ctx(t), brokers, kafkalog.Log{})
	if err != nil {
		t.Fatal(err)
	}
	var fresh *kafkalog.DLQEntry
	for i, e := range list {
		switch e.Position() {
		case dl1, dl2:
			if e.RedrivenTo == nil {
				t.Fatalf("%v: redriven, but ListDLQ does not say so", e.Position())
			}
		case again:
			fresh = &list[i]
		}
	}
	if fresh == nil || fresh.RedrivenTo != nil || fresh.RedrivenFrom == nil || *fresh.RedrivenFrom != dl1 {
		t.Fatalf("the dead letter of the redriven copy = %+v", fresh)
	}
	got, err = kafkalog.Redrive(ctx(t), brokers, kafkalog.Log{}, byID(env1.ID), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Outcome != kafkalog.AlreadyRedriven || got[1].Outcome != kafkalog.Published || got[1].Entry.Position() != again {
		t.Fatalf("redrive of the new dead letter = %+v", got)
	}
	recs = records(events.TopicOrders)
	if len(recs) != 2 || recs[1].Header(kafkalog.HeaderRedrivenFrom) != again.String() {
		t.Fatalf("orders.v1 after the second copy = %+v", recs)
	}
}
