package evolution

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// The late reader learns about the run's batch, however much history the
// log holds: 600 events of 200 older orders, then the batch's 5 orders.
func TestLateReaderReadsItsRunNotTheHistory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	brokers := kfakeTopics(t, append(kafkalog.Topics(""), kafkalog.DLQTopics("")...)...)
	confirmed := func(id string) {
		lines := []events.Line{{SKU: "SKU-001", Qty: 1}}
		for topic, p := range map[string]events.Payload{
			events.TopicOrders:    &events.OrderPlaced{OrderID: id, CustomerID: "c", Items: lines, PlacedAt: time.Now()},
			events.TopicInventory: &events.StockReserved{OrderID: id, ReservationID: "r-" + id, CustomerID: "c", Items: lines},
			events.TopicInvoicing: &events.InvoiceIssued{OrderID: id, InvoiceID: "i-" + id, TotalCents: 100, Currency: "EUR"},
		} {
			env, err := events.New(id, time.Now(), p)
			if err != nil {
				t.Fatal(err)
			}
			value, _ := env.Encode()
			if _, _, err := kafkalog.Publish(ctx, brokers, topic, []byte(id), value, map[string]string{
				kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 200 {
		confirmed(fmt.Sprintf("%08d-0000-4000-8000-000000000000", i))
	}
	e := &kit.Env{Brokers: brokers}
	target := kit.NewTarget(stackmode.Events, map[string]string{topology.OrderSvc: "http://127.0.0.1:1"}, "")
	mark, err := e.MarkLog(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	var batch load.Result
	for i := range 5 {
		id := fmt.Sprintf("%08d-0000-4000-8000-000000000099", i)
		confirmed(id)
		batch.Orders = append(batch.Orders, load.Placed{HTTPStatus: 202, Order: api.Order{ID: id, Status: "CONFIRMED", Final: true}})
	}
	l, err := lateReader(ctx, e, target, batch, mark)
	if err != nil {
		t.Fatal(err)
	}
	if l.Batch != 5 || l.Found != 5 || l.Seen != 15 || l.Known != 5 {
		t.Errorf("batch %d, found %d, saw %d steps, knew %d orders; want 5, 5, 15, 5 (the run's only)", l.Batch, l.Found, l.Seen, l.Known)
	}
	var o kit.Outcome
	putLate(&o, l)
	if m, ok := o.Metric(kit.LogEventsBefore.Key); !ok || m.Value != 600 {
		t.Errorf("log before = %+v, %v; want 600 events", m, ok)
	}
}

// On the orchestrated stack the reader reads that stack's topics: of a
// confirmed order's steps the fact topics hold only the placement, the
// reply channel the reservation and the invoice.
func TestLateReaderOnTheOrchestratedStack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := kafkalog.LogOf(stackmode.Orchestration, "")
	brokers := kfakeTopics(t, append(log.Topics(), log.DLQTopics()...)...)
	e := &kit.Env{Brokers: brokers}
	target := kit.NewTarget(stackmode.Orchestration, map[string]string{topology.OrderSvc: "http://127.0.0.1:1"}, "")
	mark, err := e.MarkLog(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	o := stackmode.OrchestrationPrefix
	var batch load.Result
	for i := range 3 {
		id := fmt.Sprintf("%08d-0000-4000-8000-000000000077", i)
		lines := []events.Line{{SKU: "SKU-001", Qty: 1}}
		for _, m := range []struct {
			topic string
			p     events.Payload
		}{
			{o + events.TopicOrders, &events.OrderPlaced{OrderID: id, CustomerID: "c", Items: lines, PlacedAt: time.Now()}},
			{o + events.TopicInventoryCommands, &events.ReserveStock{OrderID: id, CustomerID: "c", Items: lines}},
			{o + events.TopicSagaReplies, &events.StockReserved{OrderID: id, ReservationID: "r-" + id, CustomerID: "c", Items: lines}},
			{o + events.TopicInvoicingCommands, &events.IssueInvoice{OrderID: id, CustomerID: "c", ReservationID: "r-" + id, Items: lines}},
			{o + events.TopicSagaReplies, &events.InvoiceIssued{OrderID: id, InvoiceID: "i-" + id, TotalCents: 100, Currency: "EUR"}},
		} {
			env, err := events.New(id, time.Now(), m.p)
			if err != nil {
				t.Fatal(err)
			}
			value, _ := env.Encode()
			if _, _, err := kafkalog.Publish(ctx, brokers, m.topic, []byte(id), value, map[string]string{
				kafkaconf.HeaderEventType: env.Type, kafkaconf.HeaderEventID: env.ID}); err != nil {
				t.Fatal(err)
			}
		}
		batch.Orders = append(batch.Orders, load.Placed{HTTPStatus: 202, Order: api.Order{ID: id, Status: "CONFIRMED", Final: true}})
	}
	l, err := lateReader(ctx, e, target, batch, mark)
	if err != nil {
		t.Fatal(err)
	}
	if l.Found != 3 || l.Seen != 9 || l.FactSeen != 3 || len(l.Topics) != 5 || len(l.FactTopics) != 2 {
		t.Errorf("found %d, saw %d steps, %d on fact topics, read %v (facts %v); want 3, 9, 3, five topics, two of facts",
			l.Found, l.Seen, l.FactSeen, l.Topics, l.FactTopics)
	}
}

func kfakeTopics(t *testing.T, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(3),
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	req := &kafka.CreateTopicsRequest{}
	for _, name := range topics {
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: name, NumPartitions: 3, ReplicationFactor: 1})
	}
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	if _, err := (&kafka.Client{Addr: kafka.TCP(c.ListenAddrs()...), Transport: tr}).CreateTopics(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return c.ListenAddrs()
}
