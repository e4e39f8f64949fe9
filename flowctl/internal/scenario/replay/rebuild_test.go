package replay

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// The replay measures what its run added, whatever the log held before: a
// log pre-filled with 350 unrelated events (as a bench leaves it), then the
// run's one order (three events), is replayed as three events and one
// order, and the result says the log held 350 events before.
func TestReplayCountsOnlyItsOwnRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	brokers := kfakeWithTopics(t, append(kafkalog.Topics(""), kafkalog.DLQTopics("")...)...)
	publish := func(topic, orderID string, payload events.Payload) {
		t.Helper()
		env, err := events.New(orderID, time.Now(), payload)
		if err != nil {
			t.Fatal(err)
		}
		value, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := kafkalog.Publish(ctx, brokers, topic, []byte(orderID), value, map[string]string{
			kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID}); err != nil {
			t.Fatal(err)
		}
	}
	lines := []events.Line{{SKU: "SKU-001", Qty: 2}}
	order := func(i int, id string) {
		if i < 200 {
			publish(events.TopicOrders, id, &events.OrderPlaced{OrderID: id, CustomerID: "c", Items: lines, PlacedAt: time.Now()})
		}
		if i < 100 {
			publish(events.TopicInventory, id, &events.StockReserved{OrderID: id, ReservationID: "r-" + id, CustomerID: "c", Items: lines})
		}
		if i < 50 {
			publish(events.TopicInvoicing, id, &events.InvoiceIssued{OrderID: id, InvoiceID: "i-" + id, TotalCents: 1299, Currency: "EUR"})
		}
	}
	for i := range 200 { // history: 200 + 100 + 50 events
		order(i, fmt.Sprintf("%08d-0000-4000-8000-000000000000", i))
	}
	e := &kit.Env{Brokers: brokers}
	mark, err := e.MarkLog(ctx, kit.Target{Mode: stackmode.Events})
	if err != nil {
		t.Fatal(err)
	}
	const ours = "99999999-0000-4000-8000-000000000000"
	order(0, ours) // the run: placed, reserved, invoiced

	r := replayed{Mark: mark}
	if err := replayLog(ctx, e, kit.Target{Mode: stackmode.Events}, &r); err != nil {
		t.Fatal(err)
	}
	if r.Records != 3 || len(r.Model.Orders) != 1 || r.Model.Invoices != 1 || r.Model.InvoicedCents != 1299 {
		t.Errorf("replayed %d events, %d orders, %d invoices (%d cents); want the run's 3 events, 1 order, 1 invoice of 1299",
			r.Records, len(r.Model.Orders), r.Model.Invoices, r.Model.InvoicedCents)
	}
	if r.Trail, err = auditTrail(ctx, e, kit.Target{Mode: stackmode.Events}, mark.Start, ours); err != nil || len(r.Trail) != 3 {
		t.Errorf("trail %v, %v; want the order's 3 events", r.Trail, err)
	}
	o := judge(stackmode.Events, r)
	if m, ok := o.Metric(kit.LogEventsBefore.Key); !ok || m.Value != 350 || m.Unit != "events" {
		t.Errorf("log before: %+v, %v; want 350 events", m, ok)
	}
	if _, ok := o.Metric(kit.LogBytesBefore.Key); ok {
		t.Error("a log size in bytes no runtime measured")
	}
}

func kfakeWithTopics(t *testing.T, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3),
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	req := &kafka.CreateTopicsRequest{}
	for _, name := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: name, NumPartitions: 3, ReplicationFactor: 1})
	}
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	if _, err := (&kafka.Client{Addr: kafka.TCP(brokers...), Transport: tr}).CreateTopics(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return brokers
}
