package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/cmd"
	"github.com/orderflow/flowctl/internal/kafkalog"
)

// flowctl runs the CLI in-process with exactly env as its environment.
func flowctl(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := cmd.New(cmd.Env{Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb, Dir: t.TempDir()})
	root.SetArgs(args)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String() + errb.String(), err
}

// kfakeCluster starts an in-process broker on a free port with topics (3
// partitions each), stopped when the test ends.
func kfakeCluster(t *testing.T, topics ...string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	addr := c.ListenAddrs()[0]
	if len(topics) > 0 {
		tr := &kafka.Transport{}
		defer tr.CloseIdleConnections()
		req := &kafka.CreateTopicsRequest{}
		for _, name := range topics {
			req.Topics = append(req.Topics, kafka.TopicConfig{Topic: name, NumPartitions: 3, ReplicationFactor: 1})
		}
		res, err := (&kafka.Client{Addr: kafka.TCP(addr), Transport: tr}).CreateTopics(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range res.Errors {
			if err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
		}
	}
	return addr
}

// deadLetter writes a dead letter as the services' consumer does and returns
// its event id.
func deadLetter(t *testing.T, broker, topic string, n int, value []byte, cause string) string {
	t.Helper()
	orderID := fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)
	env, err := events.New(orderID, time.Now(), &events.OrderPlaced{
		OrderID: orderID, CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-1", Qty: 1}}, PlacedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if value == nil {
		if value, err = env.Encode(); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = kafkalog.Publish(t.Context(), []string{broker}, events.DLQ(topic), []byte(orderID), value, map[string]string{
		kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID,
		kafkaconf.HeaderDLQError: cause, kafkaconf.HeaderDLQTopic: topic, kafkaconf.HeaderDLQPartition: "1",
		kafkaconf.HeaderDLQOffset: strconv.Itoa(n), kafkaconf.HeaderDLQGroup: "inventory-svc.events",
	})
	if err != nil {
		t.Fatal(err)
	}
	return env.ID
}

func TestDLQNoBroker(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	want := fmt.Sprintf("no Kafka broker answers at 127.0.0.1:%d; start the events stack with `flowctl up --mode events` or pass --brokers", port)
	for _, args := range [][]string{
		{"dlq", "list", "--brokers", "127.0.0.1:" + strconv.Itoa(port)},
		{"--broker-port", strconv.Itoa(port), "dlq", "redrive", "--all"}, // the default: --broker-port
	} {
		out, err := flowctl(t, nil, args...)
		if err == nil || err.Error() != want {
			t.Fatalf("flowctl %v: %v (output %q); want the error %q", args, err, out, want)
		}
	}
	// KAFKA_BROKERS is the default when set.
	_, err = flowctl(t, map[string]string{"KAFKA_BROKERS": "127.0.0.1:" + strconv.Itoa(port)}, "dlq", "list")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("dlq list with KAFKA_BROKERS: %v", err)
	}
}

func TestDLQListAndRedrive(t *testing.T) {
	const prefix = "ws1."
	orders, invoicing := prefix+events.TopicOrders, prefix+events.TopicInvoicing
	var topics []string
	for _, t := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		topics = append(topics, prefix+t, prefix+events.DLQ(t))
	}
	broker := kfakeCluster(t, topics...)
	env := map[string]string{"KAFKA_BROKERS": broker, "KAFKA_TOPIC_PREFIX": prefix}
	good := deadLetter(t, broker, orders, 1, nil, "invalid event: OrderPlaced payload: items[0].sku \"x\" is malformed")
	bad := deadLetter(t, broker, invoicing, 2, []byte("{not json"), "invalid event: envelope is not valid JSON")
	count := func(topic string) int {
		t.Helper()
		recs, err := kafkalog.ReadAll(t.Context(), []string{broker}, topic)
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}

	out, err := flowctl(t, env, "dlq", "list")
	if err != nil {
		t.Fatalf("dlq list: %v\n%s", err, out)
	}
	for _, want := range []string{"TIME", "ORIGINAL", good, bad, orders + ".dlq/", orders + "/1/1", "OrderPlaced", "00000001", "sku \"x\" is malformed", "2 dead letters, 0 redriven"} {
		if !strings.Contains(out, want) {
			t.Fatalf("dlq list output lacks %q:\n%s", want, out)
		}
	}

	out, err = flowctl(t, env, "dlq", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		EventID string          `json:"event_id"`
		Value   json.RawMessage `json:"value"`
		DLQ     struct{ Topic string }
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
		t.Fatalf("dlq list --json: %v, %d entries:\n%s", err, len(list), out)
	}
	for _, e := range list {
		if e.EventID == bad && string(e.Value) != `"{not json"` || e.EventID == good && !strings.HasPrefix(string(e.Value), "{") {
			t.Fatalf("dlq list --json: %s has value %s", e.EventID, e.Value)
		}
	}

	// A dry run writes nothing; the short id a scenario prints (a unique
	// start of the id) names the dead letter.
	if good[:8] == bad[:8] {
		t.Fatalf("two events share the short id %s", good[:8])
	}
	out, err = flowctl(t, env, "dlq", "redrive", "--event-id", good[:8], "--dry-run")
	if err != nil || !strings.Contains(out, "would republish") || !strings.Contains(out, "nothing was written") || !strings.Contains(out, good) {
		t.Fatalf("redrive --dry-run: %v\n%s", err, out)
	}
	if n := count(orders); n != 0 {
		t.Fatalf("a dry run published %d records", n)
	}

	out, err = flowctl(t, env, "dlq", "redrive", "--event-id", good)
	if err != nil || !strings.Contains(out, "republished 1 dead letter\n") || !strings.Contains(out, "dead-lettered again") {
		t.Fatalf("redrive --event-id: %v\n%s", err, out)
	}
	if n := count(orders); n != 1 {
		t.Fatalf("%s holds %d records after the redrive, want 1", orders, n)
	}

	// --all skips what was redriven and republishes the rest, once.
	out, err = flowctl(t, env, "dlq", "redrive", "--all", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res []struct {
		Outcome string `json:"outcome"`
		EventID string `json:"event_id"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("redrive --json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, r := range res {
		got[r.EventID] = r.Outcome
	}
	if len(res) != 2 || got[good] != string(kafkalog.AlreadyRedriven) || got[bad] != string(kafkalog.Published) {
		t.Fatalf("redrive --all --json: %s", out)
	}
	out, err = flowctl(t, env, "dlq", "redrive", "--topic", "invoicing.v1.dlq")
	if err != nil || !strings.Contains(out, "republished 0 dead letters; skipped 1 dead letter redriven before") || strings.Contains(out, "dead-lettered again") {
		t.Fatalf("redrive --topic after --all: %v\n%s", err, out)
	}
	if n, m := count(orders), count(invoicing); n != 1 || m != 1 {
		t.Fatalf("after redriving twice: %d and %d records, want 1 and 1", n, m)
	}
	out, err = flowctl(t, env, "dlq", "list")
	if err != nil || !strings.Contains(out, "→ "+orders+"/") || !strings.Contains(out, "2 dead letters, 2 redriven") {
		t.Fatalf("dlq list after the redrives: %v\n%s", err, out)
	}

	// Selection mistakes.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"dlq", "redrive"}, "at least one of the flags in the group [all event-id topic] is required"},
		{[]string{"dlq", "redrive", "--all", "--topic", "orders.v1"}, "were all set"},
		{[]string{"dlq", "redrive", "--topic", "payments.v1.dlq"}, `--topic "payments.v1.dlq": use one of orders.v1.dlq, inventory.v1.dlq, invoicing.v1.dlq`},
		{[]string{"dlq", "redrive", "--event-id", "nope"}, "no dead letter has event id nope"},
	} {
		if out, err := flowctl(t, env, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("flowctl %v: %v; want an error containing %q\n%s", c.args, err, c.want, out)
		}
	}
}

func TestDLQListWithoutTopics(t *testing.T) {
	broker := kfakeCluster(t)
	out, err := flowctl(t, map[string]string{"KAFKA_TOPIC_PREFIX": "ws9."}, "dlq", "list", "--brokers", broker)
	if err != nil || !strings.Contains(out, "no dead-letter topics on "+broker) || !strings.Contains(out, "KAFKA_TOPIC_PREFIX=ws9.") {
		t.Fatalf("dlq list on a broker without the topics: %v\n%s", err, out)
	}
}
