package consume_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
)

// The helpers of the middleware tests: messages as a partition worker
// fetches them, a recording tracer and dead-letter writer.

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recordingDLQ keeps the dead letters in memory; the first failures writes fail.
type recordingDLQ struct {
	mu       sync.Mutex
	msgs     []kafka.Message
	failures int
}

func (d *recordingDLQ) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failures > 0 {
		d.failures--
		return fmt.Errorf("broker unreachable")
	}
	d.msgs = append(d.msgs, msgs...)
	return nil
}

func orderID(n int) string { return fmt.Sprintf("%08d-0000-4000-8000-000000000000", n) }

// placedMessage is OrderPlaced for order n as fetched from partition 0 at offset n.
func placedMessage(t *testing.T, n int) kafka.Message {
	t.Helper()
	at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	env, err := events.New(orderID(n), at, events.OrderPlaced{OrderID: orderID(n), CustomerID: "c-1", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, PlacedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return kafka.Message{Topic: events.TopicOrders, Partition: 0, Offset: int64(n), Key: []byte(env.Key()), Value: b, Time: at,
		Headers: []kafka.Header{{Key: kafkaconf.HeaderEventType, Value: []byte(env.Type)}, {Key: kafkaconf.HeaderEventID, Value: []byte(env.ID)}}}
}

func poisonMessage(n int) kafka.Message {
	return kafka.Message{Topic: events.TopicOrders, Partition: 0, Offset: int64(n), Key: []byte("junk"), Value: []byte("{not json")}
}

// fetched is msgs as the partition worker hands them to its handler.
func fetched(msgs ...kafka.Message) []*kafkabus.Delivery {
	batch := make([]*kafkabus.Delivery, len(msgs))
	for i, m := range msgs {
		batch[i] = kafkabus.NewDelivery(context.Background(), m)
	}
	return batch
}

// decoded is fetched, with every message decoded (as Decode leaves them).
func decoded(t *testing.T, msgs ...kafka.Message) []*kafkabus.Delivery {
	t.Helper()
	batch := fetched(msgs...)
	for _, d := range batch {
		d.Env, d.Payload, d.Invalid = events.Decode(d.Msg.Value)
	}
	return batch
}

// recorder is a tracer whose spans can be inspected.
func recorder() (trace.Tracer, *tracetest.SpanRecorder) {
	spans := tracetest.NewSpanRecorder()
	return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)).Tracer("test"), spans
}

// childOf is the services' default span parent (TRACE_PROPAGATION=child).
var childOf = kafkabus.Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}}.ConsumerStart

// attrs are a span's attributes as strings.
func attrs(s sdktrace.ReadOnlySpan) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes() {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

// handlerFunc records the batches it got and answers with fail(call, batch).
type handlerFunc struct {
	calls [][]int64 // offsets per call
	fail  func(call int, batch []*kafkabus.Delivery) error
}

func (h *handlerFunc) handle(_ context.Context, batch []*kafkabus.Delivery) error {
	var offs []int64
	for _, d := range batch {
		offs = append(offs, d.Msg.Offset)
	}
	h.calls = append(h.calls, offs)
	if h.fail != nil {
		return h.fail(len(h.calls), batch)
	}
	return nil
}

// offsets of a batch's messages, for messages.
func offsets(batch []*kafkabus.Delivery) []int64 {
	var out []int64
	for _, d := range batch {
		out = append(out, d.Msg.Offset)
	}
	return out
}

var _ consume.DeadLetterWriter = (*recordingDLQ)(nil)
