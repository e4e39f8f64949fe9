package kafkabus

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// TestProcessSkipsEventsTheHandlerIgnores: the stock movements share
// inventory.v1 with the order flow's events. They decode as valid events, so a
// handler that has nothing to do with them returns nil and the consumer counts
// them processed; nothing reaches the dead-letter path (the consumer here has
// no DLQ writer: using it would panic). Their spans name the SKU, not an order.
func TestProcessSkipsEventsTheHandlerIgnores(t *testing.T) {
	at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	spans := tracetest.NewSpanRecorder()
	var seen []string
	calls := 0
	c := NewConsumer(ConsumerConfig{
		Group: "order-svc.events",
		Handler: func(_ context.Context, batch []Event) error {
			calls++
			for _, ev := range batch {
				seen = append(seen, ev.Env.Type)
			}
			return nil // as order-svc and invoicing-svc do with events that concern no order
		},
		Tracer:      sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)).Tracer("test"),
		Propagation: Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}},
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	var msgs []kafka.Message
	for _, p := range []events.Payload{
		events.StockReceived{MovementID: "3a7e9c10-0000-4000-8000-000000000003", SKU: "SKU-001", Quantity: 40, OnHandAfter: 40},
		events.StockAdjusted{MovementID: "3a7e9c10-0000-4000-8000-000000000004", SKU: "SKU-001", Delta: -1, Reason: "broken", OnHandAfter: 39},
	} {
		env, err := events.New("SKU-001", at, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if env.Key() != "SKU-001" {
			t.Fatalf("%s key = %q, want the SKU", env.Type, env.Key())
		}
		m := kafka.Message{Topic: events.TopicInventory, Key: []byte(env.Key()), Value: b, Time: at,
			Headers: []kafka.Header{{Key: kafkaconf.HeaderEventType, Value: []byte(env.Type)}, {Key: kafkaconf.HeaderEventID, Value: []byte(env.ID)}}}
		msgs = append(msgs, m)
	}
	// One fetched batch: both go to the handler in one call, each with its own span.
	if err := c.handleBatch(context.Background(), msgs); err != nil {
		t.Fatalf("handleBatch: %v", err)
	}
	if c.Processed.Load() != 2 || c.DeadLetter.Load() != 0 || c.Retries.Load() != 0 || len(seen) != 2 || calls != 1 {
		t.Fatalf("processed %d, dead-lettered %d, retried %d, handled %v in %d calls; want 2, 0, 0 and both types in 1 call",
			c.Processed.Load(), c.DeadLetter.Load(), c.Retries.Load(), seen, calls)
	}
	for _, s := range spans.Ended() {
		attrs := map[string]string{}
		for _, kv := range s.Attributes() {
			attrs[string(kv.Key)] = kv.Value.Emit()
		}
		if _, ok := attrs["orderflow.order_id"]; ok || attrs["orderflow.sku"] != "SKU-001" {
			t.Errorf("span %s: orderflow.order_id %q, orderflow.sku %q; want only the SKU", s.Name(), attrs["orderflow.order_id"], attrs["orderflow.sku"])
		}
	}
	if len(spans.Ended()) != 2 {
		t.Fatalf("%d spans, want one per message", len(spans.Ended()))
	}
}
