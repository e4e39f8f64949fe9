package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
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

// recordingDLQ keeps the dead letters in memory.
type recordingDLQ struct {
	mu   sync.Mutex
	msgs []kafka.Message
}

func (d *recordingDLQ) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.msgs = append(d.msgs, msgs...)
	return nil
}

// txStore stands in for a database: a batch is applied all or nothing, as
// platform/consume does in one transaction. Events whose order id is in
// failures fail that many more times with the given error (-1: always).
type txStore struct {
	mu       sync.Mutex
	applied  []string // order ids, in the order they were applied
	calls    [][]string
	failures map[string]int
	failWith map[string]error
}

func (s *txStore) handle(_ context.Context, batch []Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, ev := range batch {
		ids = append(ids, ev.Env.OrderID)
	}
	s.calls = append(s.calls, ids)
	for _, id := range ids {
		if n := s.failures[id]; n != 0 {
			if n > 0 {
				s.failures[id] = n - 1
			}
			return fmt.Errorf("apply %s: %w", id, s.failWith[id])
		}
	}
	s.applied = append(s.applied, ids...) // commit
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

// TestHandleBatch: a fetched batch goes to the handler in one call (one
// transaction); a poison message is dead-lettered and the rest applied; a
// failing event sends the batch one by one, so the others are applied and
// only the failing one is retried or dead-lettered; every event keeps one
// process span, and order within the partition is kept.
func TestHandleBatch(t *testing.T) {
	transient := errors.New("database is locked")
	invalid := fmt.Errorf("%w: no price for SKU-001", events.ErrInvalid)
	tests := []struct {
		name        string
		msgs        []int // order numbers; a negative one is a poison message
		failures    map[int]int
		failWith    map[int]error
		wantApplied []int
		wantCalls   int
		wantDead    int
		wantRetries int64
		wantSpans   string // ended spans in order: p<offset> for process, r for retry
	}{
		{name: "a batch is one handler call", msgs: []int{1, 2, 3, 4}, wantApplied: []int{1, 2, 3, 4}, wantCalls: 1, wantSpans: "p1 p2 p3 p4"},
		{name: "a lone event is one call", msgs: []int{1}, wantApplied: []int{1}, wantCalls: 1, wantSpans: "p1"},
		{name: "a poison message is dead-lettered, the rest applied in one call", msgs: []int{1, -2, 3}, wantApplied: []int{1, 3}, wantCalls: 1, wantDead: 1, wantSpans: "p2 p1 p3"},
		{name: "an invalid event is dead-lettered, the rest applied one by one",
			msgs: []int{1, 2, 3}, failures: map[int]int{2: -1}, failWith: map[int]error{2: invalid},
			wantApplied: []int{1, 3}, wantCalls: 1 + 3, wantDead: 1, wantSpans: "p1 p2 p3"},
		{name: "a transient failure is retried alone, in its place",
			msgs: []int{1, 2, 3}, failures: map[int]int{2: 3}, failWith: map[int]error{2: transient},
			// the batch call fails (1 of the 3 failures), then 1, then 2 twice more and a success, then 3
			// event 1's span ends once it is applied, not after event 2's retries
			wantApplied: []int{1, 2, 3}, wantCalls: 1 + 1 + 3 + 1, wantRetries: 2, wantSpans: "p1 r r p2 p3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &txStore{failures: map[string]int{}, failWith: map[string]error{}}
			for n, f := range tt.failures {
				st.failures[orderID(n)] = f
				st.failWith[orderID(n)] = tt.failWith[n]
			}
			dlq := &recordingDLQ{}
			spans := tracetest.NewSpanRecorder()
			c := NewConsumer(ConsumerConfig{
				Group: "inventory-svc.events", Handler: st.handle, DLQ: dlq,
				Tracer:      sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)).Tracer("test"),
				Propagation: Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}},
				Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			var msgs []kafka.Message
			for _, n := range tt.msgs {
				if n < 0 {
					msgs = append(msgs, poisonMessage(-n))
				} else {
					msgs = append(msgs, placedMessage(t, n))
				}
			}
			// Retries back off 100 ms, 200 ms: the test takes a few hundred ms.
			if err := c.handleBatch(context.Background(), msgs); err != nil {
				t.Fatalf("handleBatch: %v", err)
			}
			var want []string
			for _, n := range tt.wantApplied {
				want = append(want, orderID(n))
			}
			if !slices.Equal(st.applied, want) {
				t.Errorf("applied %v, want %v", st.applied, want)
			}
			if len(st.calls) != tt.wantCalls {
				t.Errorf("handler calls %v, want %d", st.calls, tt.wantCalls)
			}
			if len(dlq.msgs) != tt.wantDead || c.DeadLetter.Load() != int64(tt.wantDead) {
				t.Errorf("dead letters %d (counter %d), want %d", len(dlq.msgs), c.DeadLetter.Load(), tt.wantDead)
			}
			if c.Processed.Load() != int64(len(tt.wantApplied)) || c.Retries.Load() != tt.wantRetries {
				t.Errorf("processed %d, retries %d; want %d, %d", c.Processed.Load(), c.Retries.Load(), len(tt.wantApplied), tt.wantRetries)
			}
			var ended []string
			for _, s := range spans.Ended() {
				switch s.Name() {
				case "process " + events.TopicOrders:
					for _, kv := range s.Attributes() {
						if kv.Key == "messaging.kafka.offset" {
							ended = append(ended, "p"+kv.Value.Emit())
						}
					}
				case "retry " + events.TopicOrders:
					ended = append(ended, "r")
				}
			}
			if got := strings.Join(ended, " "); got != tt.wantSpans {
				t.Errorf("spans ended %q, want %q (one process span per message)", got, tt.wantSpans)
			}
		})
	}
}
