package kafkalog_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// cluster starts an in-process kfake broker on a free port, stopped when the
// test ends, and creates topics on it (3 partitions each).
func cluster(t *testing.T, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3),
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	createTopics(t, brokers, topics...)
	return brokers
}

func createTopics(t *testing.T, brokers []string, topics ...string) {
	t.Helper()
	if len(topics) == 0 {
		return
	}
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr, Timeout: 5 * time.Second}
	req := &kafka.CreateTopicsRequest{}
	for _, name := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: name, NumPartitions: 3, ReplicationFactor: 1})
	}
	res, err := client.CreateTopics(ctx(t), req)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range res.Errors {
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// envelope is a valid OrderPlaced event for order n (order ids are UUIDs:
// events.Decode refuses anything else).
func envelope(t *testing.T, n int) (orderID string, env events.Envelope, value []byte) {
	t.Helper()
	orderID = fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)
	env, err := events.New(orderID, time.Now(), &events.OrderPlaced{
		OrderID: orderID, CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-" + strconv.Itoa(n), Qty: 1}}, PlacedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	value, err = env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return orderID, env, value
}

// publishEvents writes n valid events with distinct keys, as the services do.
func publishEvents(t *testing.T, brokers []string, topic string, n int) {
	t.Helper()
	for i := range n {
		id, env, value := envelope(t, i)
		if _, _, err := kafkalog.Publish(ctx(t), brokers, topic, []byte(id), value, map[string]string{
			kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadAllAcrossPartitions(t *testing.T) {
	brokers := cluster(t, "orders.v1", "empty.v1")
	publishEvents(t, brokers, "orders.v1", 30)

	start := time.Now()
	recs, err := kafkalog.ReadAll(ctx(t), brokers, "orders.v1")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 30 {
		t.Fatalf("ReadAll returned %d records, want 30", len(recs))
	}
	perPartition := map[int]int{}
	for i, r := range recs {
		perPartition[r.Partition]++
		if i > 0 {
			prev := recs[i-1]
			if r.Partition < prev.Partition || (r.Partition == prev.Partition && r.Offset != prev.Offset+1) {
				t.Fatalf("records out of order: %v after %v", r.Position(), prev.Position())
			}
		}
		d := r.Decode()
		if d.Err != nil {
			t.Fatalf("record %v does not decode: %v", r.Position(), d.Err)
		}
		if r.OrderID() != d.Envelope.OrderID || r.Header(kafkaconf.HeaderEventID) != d.Envelope.ID {
			t.Fatalf("record %v: key %q / event-id %q do not match the envelope %+v", r.Position(), r.Key, r.Header(kafkaconf.HeaderEventID), d.Envelope)
		}
		if r.Time.IsZero() {
			t.Fatalf("record %v has no time", r.Position())
		}
	}
	if len(perPartition) != 3 {
		t.Fatalf("records on %d partitions, want all 3: %v", len(perPartition), perPartition)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("ReadAll took %s: it must not wait at the end of the log", took)
	}

	// Empty and missing topics: no records, no error, no wait.
	for _, topic := range []string{"empty.v1", "missing.v1"} {
		start := time.Now()
		recs, err := kafkalog.ReadAll(ctx(t), brokers, topic)
		if err != nil || len(recs) != 0 {
			t.Fatalf("ReadAll(%s) = %d records, %v; want none, no error", topic, len(recs), err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("ReadAll(%s) took %s", topic, took)
		}
	}
	missing, err := kafkalog.MissingTopics(ctx(t), brokers, "orders.v1", "empty.v1", "missing.v1")
	if err != nil || len(missing) != 1 || missing[0] != "missing.v1" {
		t.Fatalf("MissingTopics = %v, %v; want [missing.v1]", missing, err)
	}
}

func TestReadAllListsMalformedRecords(t *testing.T) {
	brokers := cluster(t, "orders.v1")
	if _, _, err := kafkalog.Publish(ctx(t), brokers, "orders.v1", []byte("ord-x"), []byte("{not json"), nil); err != nil {
		t.Fatal(err)
	}
	recs, err := kafkalog.ReadAll(ctx(t), brokers, "orders.v1")
	if err != nil || len(recs) != 1 {
		t.Fatalf("ReadAll = %d records, %v; want 1", len(recs), err)
	}
	d := recs[0].Decode()
	if !errors.Is(d.Err, events.ErrInvalid) {
		t.Fatalf("Decode of a malformed value: err %v, want events.ErrInvalid", d.Err)
	}
	if recs[0].OrderID() != "ord-x" {
		t.Fatalf("OrderID = %q, want the key", recs[0].OrderID())
	}
}

func TestReadAllDoesNotWaitForNewRecords(t *testing.T) {
	brokers := cluster(t, "orders.v1")
	publishEvents(t, brokers, "orders.v1", 5)
	// A producer keeps writing while ReadAll runs: it stops at the end
	// offsets it saw when called.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 100; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id, _, value := envelope(t, i)
			if _, _, err := kafkalog.Publish(context.Background(), brokers, "orders.v1", []byte(id), value, nil); err != nil {
				return
			}
		}
	}()
	defer func() { close(stop); <-done }()
	recs, err := kafkalog.ReadAll(ctx(t), brokers, "orders.v1")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 5 {
		t.Fatalf("ReadAll returned %d records, want at least the 5 written before", len(recs))
	}
}

func TestReplayWithAFreshGroup(t *testing.T) {
	brokers := cluster(t, "invoicing.v1")
	publishEvents(t, brokers, "invoicing.v1", 25)

	group := "replay.invoicing." + t.Name()
	seen := map[string]bool{}
	stats, err := kafkalog.Replay(ctx(t), brokers, "invoicing.v1", group, func(r kafkalog.Record) error {
		seen[r.Position().String()] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != 25 || len(seen) != 25 || stats.Partitions != 3 {
		t.Fatalf("Replay: stats %+v, %d distinct records; want 25 on 3 partitions", stats, len(seen))
	}
	if stats.JoinWait <= 0 || stats.Took < stats.JoinWait {
		t.Fatalf("Replay timings look wrong: %+v", stats)
	}
	t.Logf("replay: %d records, join %s, took %s", stats.Records, stats.JoinWait, stats.Took)

	// It committed as it went: the group has no backlog left.
	if lag, err := kafkalog.GroupLag(ctx(t), brokers, group, []string{"invoicing.v1"}); err != nil || lag != 0 {
		t.Fatalf("GroupLag after the replay = %d, %v; want 0", lag, err)
	}
	// The group is not fresh any more: a second replay would resume, so it is refused.
	_, err = kafkalog.Replay(ctx(t), brokers, "invoicing.v1", group, func(kafkalog.Record) error { return nil })
	if !errors.Is(err, kafkalog.ErrGroupNotFresh) {
		t.Fatalf("second Replay with the same group: %v, want ErrGroupNotFresh", err)
	}
	if _, err := kafkalog.Replay(ctx(t), brokers, "missing.v1", group+".x", func(kafkalog.Record) error { return nil }); !errors.Is(err, kafkalog.ErrUnknownTopic) {
		t.Fatalf("Replay of a missing topic: %v, want ErrUnknownTopic", err)
	}
}

func TestReplayStopsAtFnError(t *testing.T) {
	brokers := cluster(t, "orders.v1")
	publishEvents(t, brokers, "orders.v1", 12)
	boom := errors.New("boom")
	n := 0
	stats, err := kafkalog.Replay(ctx(t), brokers, "orders.v1", "replay.stop", func(kafkalog.Record) error {
		if n == 4 {
			return boom
		}
		n++
		return nil
	})
	if !errors.Is(err, boom) || stats.Records != 4 {
		t.Fatalf("Replay = %+v, %v; want 4 records and the fn's error", stats, err)
	}
	// What fn accepted was committed; the rest is the group's backlog.
	if lag, err := kafkalog.GroupLag(ctx(t), brokers, "replay.stop", []string{"orders.v1"}); err != nil || lag != 8 {
		t.Fatalf("GroupLag after a replay stopped at record 5 = %d, %v; want 8", lag, err)
	}
}

func TestGroupLag(t *testing.T) {
	brokers := cluster(t, "orders.v1", "inventory.v1")
	publishEvents(t, brokers, "orders.v1", 10)
	publishEvents(t, brokers, "inventory.v1", 4)
	topics := []string{"orders.v1", "inventory.v1", "missing.v1"}

	// No commit yet: every record is backlog.
	lag, err := kafkalog.GroupLag(ctx(t), brokers, "inventory-svc.events", topics)
	if err != nil || lag != 14 {
		t.Fatalf("GroupLag before any commit = %d, %v; want 14", lag, err)
	}
	// The group commits orders.v1 to its end.
	if _, err := kafkalog.Replay(ctx(t), brokers, "orders.v1", "inventory-svc.events", func(kafkalog.Record) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if lag, err := kafkalog.GroupLag(ctx(t), brokers, "inventory-svc.events", topics); err != nil || lag != 4 {
		t.Fatalf("GroupLag after committing orders.v1 = %d, %v; want 4 (inventory.v1 only)", lag, err)
	}
	// New records while the consumer is down grow the backlog.
	publishEvents(t, brokers, "orders.v1", 3)
	parts, err := kafkalog.GroupLagByPartition(ctx(t), brokers, "inventory-svc.events", topics)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range parts {
		sum += p.Lag
		if p.Topic == "inventory.v1" && p.Committed != -1 {
			t.Fatalf("inventory.v1/%d: committed %d, want -1 (none)", p.Partition, p.Committed)
		}
	}
	if len(parts) != 6 || sum != 7 {
		t.Fatalf("GroupLagByPartition: %d partitions, lag %d; want 6 partitions, lag 7: %+v", len(parts), sum, parts)
	}
}

func TestPublish(t *testing.T) {
	brokers := cluster(t, "orders.v1")
	var offsets = map[int]int64{}
	for i := range 6 {
		id, _, value := envelope(t, i)
		part, off, err := kafkalog.Publish(ctx(t), brokers, "orders.v1", []byte(id), value, map[string]string{"a": "1", "b": "2"})
		if err != nil {
			t.Fatal(err)
		}
		want := (&kafka.Hash{}).Balance(kafka.Message{Key: []byte(id)}, 0, 1, 2)
		if part != want {
			t.Fatalf("key %s went to partition %d, want %d (the services' hash)", id, part, want)
		}
		if next := offsets[part]; off != next {
			t.Fatalf("key %s: offset %d, want %d", id, off, next)
		}
		offsets[part] = off + 1
	}
	// The same key lands on the same partition again.
	id, _, value := envelope(t, 0)
	p1, _, _ := kafkalog.Publish(ctx(t), brokers, "orders.v1", []byte(id), value, nil)
	p2, _, _ := kafkalog.Publish(ctx(t), brokers, "orders.v1", []byte(id), value, nil)
	if p1 != p2 {
		t.Fatalf("one key went to partitions %d and %d", p1, p2)
	}
	recs, err := kafkalog.ReadAll(ctx(t), brokers, "orders.v1")
	if err != nil || len(recs) != 8 {
		t.Fatalf("ReadAll after publishing 8 = %d, %v", len(recs), err)
	}
	if recs[0].Header("a") != "1" && recs[0].Header("b") != "2" {
		t.Fatalf("headers not kept: %v", recs[0].Headers)
	}

	start := time.Now()
	_, _, err = kafkalog.Publish(ctx(t), brokers, "missing.v1", []byte("k"), []byte("v"), nil)
	if !errors.Is(err, kafkalog.ErrUnknownTopic) {
		t.Fatalf("Publish to a missing topic: %v, want ErrUnknownTopic", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Publish to a missing topic took %s to fail", took)
	}
}

func TestStackLagCoversEveryGroupOfTheTopology(t *testing.T) {
	brokers := cluster(t, "x.orders.v1", "x.inventory.v1", "x.invoicing.v1")
	publishEvents(t, brokers, "x.orders.v1", 5)
	publishEvents(t, brokers, "x.inventory.v1", 2)
	rows, err := kafkalog.StackLag(ctx(t), brokers, kafkalog.Log{Prefix: "x."})
	if err != nil {
		t.Fatal(err)
	}
	lag := map[string]int64{}
	for _, r := range rows {
		lag[r.Group] += r.Lag
	}
	// inventory-svc reads orders.v1 and invoicing.v1; invoicing-svc inventory.v1 and orders.v1; order-svc
	// inventory.v1 and invoicing.v1: 6 subscriptions of 3 partitions.
	if lag["x.inventory-svc.events"] != 5 || lag["x.invoicing-svc.events"] != 7 || lag["x.order-svc.events"] != 2 || len(rows) != 18 {
		t.Fatalf("lag by group %v over %d partitions; want inventory 5, invoicing 7, order 2 over 18", lag, len(rows))
	}
	var out strings.Builder
	if err := kafkalog.PrintStackLag(&out, kafkalog.Log{Prefix: "x."}, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "x.inventory-svc.events: 5 events behind") {
		t.Errorf("table:\n%s", out.String())
	}
}
