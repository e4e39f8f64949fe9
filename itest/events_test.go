package itest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/topology"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
)

func TestEventsAcceptedThenConfirmed(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})

	r := s.place("c-1", item("SKU-001", 2), item("SKU-003", 1))
	if r.status != http.StatusAccepted {
		t.Fatalf("POST /orders = %d %s, want 202", r.status, r.body)
	}
	var o orderView
	r.decode(t, &o)
	if o.Status != "PENDING" || o.Final {
		t.Fatalf("202 body status = %s, want PENDING", o.Status)
	}
	if loc := r.header.Get("Location"); loc != "/orders/"+o.ID {
		t.Fatalf("Location = %q", loc)
	}
	final := s.waitFinal(o.ID)
	t.Logf("time to final: %v ms, timeline %+v", *final.TimeToFinalMS, final.Timeline)
	if final.Status != "CONFIRMED" || final.InvoiceID == "" || final.TotalCents != 2*1890+1250 || final.TimeToFinalMS == nil {
		t.Fatalf("final = %+v, want CONFIRMED with invoice, total 5030 and a time to final", final)
	}
	// InvoiceIssued and StockReserved travel on different topics: the invoice
	// may arrive first and confirm the order, and "reserved" joins the timeline
	// a moment later (the state machine accepts either order).
	var steps []string
	eventually(t, 10*time.Second, "timeline complete", func() (bool, string) {
		steps = s.getOrder(o.ID).steps()
		for _, want := range []string{"placed", "reserved", "invoiced", "confirmed"} {
			if !slices.Contains(steps, want) {
				return false, fmt.Sprint(steps)
			}
		}
		return true, ""
	})
	if got := s.getOrder(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("a late StockReserved changed a CONFIRMED order to %s", got.Status)
	}
	if steps[0] != "placed" {
		t.Fatalf("timeline %v does not start with placed", steps)
	}

	rej := s.place("c-2", item("SKU-005", 5))
	if rej.status != http.StatusAccepted {
		t.Fatalf("events mode answers 202 even for an order that will be rejected, got %d", rej.status)
	}
	rej.decode(t, &o)
	if got := s.waitFinal(o.ID); got.Status != "REJECTED" || !slices.Equal(got.steps(), []string{"placed", "rejected"}) {
		t.Fatalf("rejected order = %+v", got)
	}
	var inv struct{ Count int }
	do(t, http.MethodGet, s.url[invoicing.Name]+"/invoices?order_id="+o.ID, nil).decode(t, &inv)
	if inv.Count != 0 {
		t.Fatalf("a rejected order has %d invoices", inv.Count)
	}
}

// readAll reads every message of topic from the start (no consumer group).
func readAll(t *testing.T, topic string, want int) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
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
				t.Fatalf("read %s/%d: %v", topic, p, err)
			}
			out = append(out, m)
			if m.Offset >= last-1 {
				break
			}
		}
		r.Close()
	}
	if len(out) != want {
		for _, m := range out {
			t.Logf("%s/%d@%d key=%s %s", m.Topic, m.Partition, m.Offset, m.Key, m.Value)
		}
		t.Fatalf("%s holds %d messages, want %d", topic, len(out), want)
	}
	return out
}

func writeRaw(t *testing.T, msgs ...kafka.Message) {
	t.Helper()
	w := kafkabus.NewWriter(brokers, slog.New(slog.DiscardHandler))
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range msgs {
		msgs[i].Partition, msgs[i].Offset = 0, 0
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func TestEventsRedeliveryChangesNothing(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	var o orderView
	s.place("c-1", item("SKU-004", 3)).decode(t, &o)
	if got := s.waitFinal(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("order = %s", got.Status)
	}
	var stockBefore struct{ Reserved int }
	do(t, http.MethodGet, s.url[inventory.Name]+"/stock/SKU-004", nil).decode(t, &stockBefore)
	var totalsBefore struct{ Count int }
	do(t, http.MethodGet, s.url[invoicing.Name]+"/invoices/totals", nil).decode(t, &totalsBefore)

	// Deliver OrderPlaced and StockReserved a second time, byte for byte
	// (same event ids), as a consumer crash before its commit would.
	placed := readAll(t, s.prefix+events.TopicOrders, 1)
	reservedMsgs := readAll(t, s.prefix+events.TopicInventory, 1)
	invProcessed := s.inventory.Messaging.Stats.Processed.Load()
	billProcessed := s.invoicing.Messaging.Stats.Processed.Load()
	writeRaw(t, placed[0], reservedMsgs[0])
	eventually(t, 20*time.Second, "duplicates consumed", func() (bool, string) {
		a, b := s.inventory.Messaging.Stats.Processed.Load(), s.invoicing.Messaging.Stats.Processed.Load()
		return a > invProcessed && b > billProcessed, ""
	})

	if n, err := s.inventory.Store.ReservationCount(t.Context(), o.ID); err != nil || n != 1 {
		t.Fatalf("reservations = %d (%v), want 1", n, err)
	}
	var stockAfter struct{ Reserved int }
	do(t, http.MethodGet, s.url[inventory.Name]+"/stock/SKU-004", nil).decode(t, &stockAfter)
	if stockAfter.Reserved != stockBefore.Reserved {
		t.Fatalf("SKU-004 reserved %d → %d after a redelivery", stockBefore.Reserved, stockAfter.Reserved)
	}
	var inv struct{ Count int }
	do(t, http.MethodGet, s.url[invoicing.Name]+"/invoices?order_id="+o.ID, nil).decode(t, &inv)
	if inv.Count != 1 {
		t.Fatalf("invoices of the order = %d, want 1", inv.Count)
	}
	// No new events were published for the duplicates: inventory.v1 holds the
	// original and the copy this test wrote, invoicing.v1 only the original.
	readAll(t, s.prefix+events.TopicInventory, 2)
	readAll(t, s.prefix+events.TopicInvoicing, 1)
	if got := s.getOrder(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("order after redelivery = %s", got.Status)
	}
	// The inbox pruner ran at start (it prunes at once) and kept the fresh
	// ids the redelivery was recognised by; its counter is exported.
	if m := do(t, http.MethodGet, s.url[inventory.Name]+"/metrics", nil); !bytes.Contains(m.body, []byte("\ninbox_pruned_events_total 0\n")) {
		t.Fatalf("inventory-svc /metrics has no inbox_pruned_events_total 0:\n%s", m.body)
	}
}

func TestEventsMalformedGoesToDLQ(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	topic := s.prefix + events.TopicOrders
	writeRaw(t,
		kafka.Message{Topic: topic, Key: []byte("junk-1"), Value: []byte("{not json")},
		kafka.Message{Topic: topic, Key: []byte("junk-2"), Value: []byte(`{"id":"8d4b0c1e-4c1a-4f43-9b8e-0f2c6c1d2e3f","type":"OrderPlaced","schema_version":1,"occurred_at":"2026-01-01T00:00:00Z","order_id":"x","payload":{"order_id":"x","customer_id":"c","items":[],"placed_at":"2026-01-01T00:00:00Z"}}`)},
	)
	// Both consumers of orders.v1 (inventory-svc, and invoicing-svc for the
	// saga) dead-letter each of them: 2 each, told apart by their group.
	dead := readAllEventually(t, events.DLQ(topic), 4)
	byGroup := map[string]int{}
	for _, m := range dead {
		if kafkabus.Header(m.Headers, kafkaconf.HeaderDLQError) == "" || kafkabus.Header(m.Headers, kafkaconf.HeaderDLQTopic) != topic {
			t.Fatalf("dead letter %s lacks its error/topic headers: %v", m.Key, m.Headers)
		}
		byGroup[kafkabus.Header(m.Headers, kafkaconf.HeaderDLQGroup)]++
	}
	invGroup := topology.Group(s.prefix, topology.InventorySvc, string(config.ModeEvents))
	billGroup := topology.Group(s.prefix, topology.InvoicingSvc, string(config.ModeEvents))
	if len(dead) != 4 || byGroup[invGroup] != 2 || byGroup[billGroup] != 2 {
		t.Fatalf("dead letters by group = %v (%d in all), want 2 each of %s and %s", byGroup, len(dead), invGroup, billGroup)
	}
	// The consumer went on: a good order still completes.
	var o orderView
	s.place("c-1", item("SKU-001", 1)).decode(t, &o)
	if got := s.waitFinal(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("order after poison messages = %s", got.Status)
	}
	if n, m := s.inventory.Messaging.Stats.DeadLetter.Load(), s.invoicing.Messaging.Stats.DeadLetter.Load(); n != 2 || m != 2 {
		t.Fatalf("dead-lettered by inventory-svc = %d, by invoicing-svc = %d, want 2 each", n, m)
	}
}

// readAllEventually waits until topic holds want messages, then returns them.
func readAllEventually(t *testing.T, topic string, want int) []kafka.Message {
	t.Helper()
	eventually(t, 20*time.Second, topic+" filled", func() (bool, string) {
		n, err := countMessages(topic)
		return err == nil && n >= int64(want), fmt.Sprint(n, err)
	})
	return readAll(t, topic, want)
}

func countMessages(topic string) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var n int64
	for p := 0; p < kafkabus.DefaultPartitions; p++ {
		conn, err := kafka.DialLeader(ctx, "tcp", brokers[0], topic, p)
		if err != nil {
			return 0, err
		}
		first, last, err := conn.ReadOffsets()
		conn.Close()
		if err != nil {
			return 0, err
		}
		n += last - first
	}
	return n, nil
}
