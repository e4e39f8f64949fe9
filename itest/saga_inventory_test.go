package itest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// inventoryAlone is inventory-svc in events mode with nothing else: the test
// publishes what order-svc and invoicing-svc would (kcat-style), so what is
// checked is inventory-svc's side of the saga only.
func inventoryAlone(t *testing.T) *stack {
	return startStack(t, stackOpts{mode: config.ModeEvents, skip: map[string]bool{orders.Name: true, invoicing.Name: true}})
}

// publish puts p on topic as its producer would, keyed by the order, and
// returns the message (to deliver it again byte for byte).
func (s *stack) publish(topic string, p events.Payload) kafka.Message {
	s.t.Helper()
	env, err := events.New(orderOf(p), time.Now(), p)
	if err != nil {
		s.t.Fatal(err)
	}
	b, err := env.Encode()
	if err != nil {
		s.t.Fatal(err)
	}
	m := kafka.Message{Topic: s.prefix + topic, Key: []byte(env.Key()), Value: b, Headers: []kafka.Header{
		{Key: kafkaconf.HeaderEventType, Value: []byte(env.Type)}, {Key: kafkaconf.HeaderEventID, Value: []byte(env.ID)}}}
	writeRaw(s.t, m)
	return m
}

func orderOf(p events.Payload) string {
	switch p := p.(type) {
	case events.OrderPlaced:
		return p.OrderID
	case events.OrderCancelled:
		return p.OrderID
	case events.PaymentDeclined:
		return p.OrderID
	case events.InvoiceIssued:
		return p.OrderID
	case events.StockReleased:
		return p.OrderID
	}
	panic(fmt.Sprintf("no order in %T", p))
}

// answers are the order's events on inventory.v1 so far, in order.
func (s *stack) answers(orderID string) []events.Payload {
	s.t.Helper()
	var out []events.Payload
	for _, m := range readTopic(s.t, s.prefix+events.TopicInventory) {
		env, p, err := events.Decode(m.Value)
		if err != nil {
			s.t.Fatalf("inventory.v1 message does not decode: %v", err)
		}
		if env.OrderID == orderID {
			out = append(out, p)
		}
	}
	return out
}

// waitAnswers waits until the order has want answers and returns them.
func (s *stack) waitAnswers(orderID string, want int) []events.Payload {
	s.t.Helper()
	var got []events.Payload
	eventually(s.t, 20*time.Second, fmt.Sprintf("%d answer(s) for %s", want, orderID), func() (bool, string) {
		got = s.answers(orderID)
		return len(got) >= want, fmt.Sprint(got)
	})
	if len(got) != want {
		s.t.Fatalf("answers for %s = %v, want %d", orderID, got, want)
	}
	return got
}

type reservationView struct {
	ID     string `json:"reservation_id"`
	Status string `json:"status"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// reservationOf is the order's row from GET /reservations?order_id= (zero when none).
func (s *stack) reservationOf(orderID string) reservationView {
	s.t.Helper()
	var page struct{ Reservations []reservationView }
	r := do(s.t, http.MethodGet, s.url[inventory.Name]+"/reservations?order_id="+orderID, nil)
	if r.status != http.StatusOK {
		s.t.Fatalf("GET /reservations = %d %s", r.status, r.body)
	}
	r.decode(s.t, &page)
	if len(page.Reservations) == 0 {
		return reservationView{}
	}
	return page.Reservations[0]
}

// ledgerAgrees requires every SKU's stock to be what its records say.
func (s *stack) ledgerAgrees() {
	s.t.Helper()
	var l struct {
		Items []struct {
			SKU    string
			Agrees bool
		}
	}
	do(s.t, http.MethodGet, s.url[inventory.Name]+"/stock/ledger", nil).decode(s.t, &l)
	for _, it := range l.Items {
		if !it.Agrees {
			s.t.Errorf("the ledger of %s does not agree: %+v", it.SKU, l)
		}
	}
}

func placedEvent(orderID string, lines ...events.Line) events.OrderPlaced {
	return events.OrderPlaced{OrderID: orderID, CustomerID: "c-saga", Items: lines, PlacedAt: time.Now().UTC()}
}

// readTopic reads every message topic holds now, partition by partition
// (readAll without its expected count: the topic may grow meanwhile).
func readTopic(t *testing.T, topic string) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []kafka.Message
	for p := 0; p < kafkabus.DefaultPartitions; p++ {
		last, err := lastOffset(ctx, topic, p)
		if err != nil {
			t.Fatalf("last offset of %s/%d: %v", topic, p, err)
		}
		if last == 0 {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: p, MaxWait: 100 * time.Millisecond})
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				t.Fatalf("read %s/%d: %v", topic, p, err)
			}
			out = append(out, m)
			if m.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	return out
}

// lastOffset is the partition's end offset. A topic created a moment ago
// on a real broker may answer "not leader for partition" while its leader
// is elected: such answers are retried until ctx ends.
func lastOffset(ctx context.Context, topic string, partition int) (int64, error) {
	for {
		last, err := func() (int64, error) {
			conn, err := kafka.DialLeader(ctx, "tcp", brokers[0], topic, partition)
			if err != nil {
				return 0, err
			}
			defer conn.Close()
			return conn.ReadLastOffset()
		}()
		var kerr kafka.Error
		if err == nil || !errors.As(err, &kerr) || !kerr.Temporary() {
			return last, err
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%w (last answer: %v)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
