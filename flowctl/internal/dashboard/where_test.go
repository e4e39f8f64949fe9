package dashboard

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// What inventory-svc said about an order is read from the order's
// placement on: 100 older events (a bench's) neither count against the
// scan's limit (50 here) nor are read.
func TestInventoryStandingScansFromThePlacement(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, events.TopicInventory))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	topic := events.TopicInventory
	// RequireAll: kafka-go's default (none) returns before the broker has the
	// records, and the scan below raced it (CI, once: NOT PROCESSED in 10 ms).
	w := &kafka.Writer{Addr: kafka.TCP(brokers...), Topic: topic, BatchTimeout: time.Millisecond, RequiredAcks: kafka.RequireAll}
	defer w.Close()
	msg := func(id string, at time.Time) kafka.Message {
		env, err := events.New(id, at, &events.StockReserved{OrderID: id, ReservationID: "r", CustomerID: "c", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		value, _ := env.Encode()
		return kafka.Message{Key: []byte(id), Value: value, Time: at,
			Headers: []kafka.Header{{Key: kafkaconf.HeaderEventType, Value: []byte(env.Type)}, {Key: kafkaconf.HeaderEventID, Value: []byte(env.ID)}}}
	}
	var history []kafka.Message
	for i := range 100 {
		history = append(history, msg(fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), time.Now().Add(-time.Hour)))
	}
	if err := w.WriteMessages(ctx, history...); err != nil {
		t.Fatal(err)
	}
	const id = "99999999-0000-4000-8000-000000000000"
	placed := time.Now()
	if err := w.WriteMessages(ctx, msg(id, placed.Add(20*time.Millisecond))); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Stacks: []Stack{{Mode: stackmode.Events}}, Brokers: brokers})
	if err != nil {
		t.Fatal(err)
	}
	s.scanLimit = 50
	st := s.inventoryStanding(ctx, s.modes[stackmode.Events], id, nil, placed)
	if !st.Knows || st.State != events.TypeStockReserved {
		t.Errorf("standing %+v; want it to know the order's %s (1 event since the placement, under the limit of 50)", st, events.TypeStockReserved)
	}
}
