package consume_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/faults"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
)

// TestChain: the first middleware is the outermost, the handler the innermost.
func TestChain(t *testing.T) {
	var seen []string
	mark := func(name string) consume.Middleware {
		return func(next kafkabus.Handler) kafkabus.Handler {
			return func(ctx context.Context, batch []*kafkabus.Delivery) error {
				seen = append(seen, name+">")
				err := next(ctx, batch)
				seen = append(seen, "<"+name)
				return err
			}
		}
	}
	h := consume.Chain(func(context.Context, []*kafkabus.Delivery) error { seen = append(seen, "h"); return nil }, mark("a"), mark("b"))
	if err := h(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, " "); got != "a> b> h <b <a" {
		t.Fatalf("calls %q, want %q", got, "a> b> h <b <a")
	}
}

// txStore stands in for a database: a batch is applied all or nothing, as
// the Processor does in one transaction. Events whose order id is in
// failures fail that many more times with the given error (-1: always).
type txStore struct {
	mu       sync.Mutex
	applied  []string // order ids, in the order they were applied
	calls    [][]string
	failures map[string]int
	failWith map[string]error
}

func (s *txStore) handle(_ context.Context, batch []*kafkabus.Delivery) error {
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

// TestDefaultChain: a fetched batch goes to the handler in one call (one
// transaction); a poison message is dead-lettered and the rest applied; a
// failing event sends the batch one by one, so the others are applied and
// only the failing one is retried or dead-lettered; every event keeps one
// process span, and order within the partition is kept.
func TestDefaultChain(t *testing.T) {
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
			tracer, spans := recorder()
			c := &consume.Stats{}
			h := consume.DefaultChain(st.handle, consume.ChainConfig{
				Group: "inventory-svc.events", DLQ: dlq, Tracer: tracer, Parent: childOf, Logger: quiet, Stats: c,
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
			if err := h(context.Background(), fetched(msgs...)); err != nil {
				t.Fatalf("handler: %v", err)
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
					ended = append(ended, "p"+attrs(s)["messaging.kafka.offset"])
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

// TestDefaultChainSkipsEventsTheHandlerIgnores: the stock movements share
// inventory.v1 with the order flow's events. They decode as valid events, so a
// handler that has nothing to do with them returns nil and the chain counts
// them processed; nothing reaches the dead-letter path (the chain here has
// no DLQ writer: using it would panic). Their spans name the SKU, not an order.
func TestDefaultChainSkipsEventsTheHandlerIgnores(t *testing.T) {
	at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	tracer, spans := recorder()
	var seen []string
	calls := 0
	c := &consume.Stats{}
	h := consume.DefaultChain(func(_ context.Context, batch []*kafkabus.Delivery) error {
		calls++
		for _, ev := range batch {
			seen = append(seen, ev.Env.Type)
		}
		return nil // as order-svc and invoicing-svc do with events that concern no order
	}, consume.ChainConfig{Group: "order-svc.events", Tracer: tracer, Parent: childOf, Logger: quiet, Stats: c})
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
	if err := h(context.Background(), fetched(msgs...)); err != nil {
		t.Fatalf("handler: %v", err)
	}
	if c.Processed.Load() != 2 || c.DeadLetter.Load() != 0 || c.Retries.Load() != 0 || len(seen) != 2 || calls != 1 {
		t.Fatalf("processed %d, dead-lettered %d, retried %d, handled %v in %d calls; want 2, 0, 0 and both types in 1 call",
			c.Processed.Load(), c.DeadLetter.Load(), c.Retries.Load(), seen, calls)
	}
	for _, s := range spans.Ended() {
		a := attrs(s)
		if _, ok := a["orderflow.order_id"]; ok || a["orderflow.sku"] != "SKU-001" {
			t.Errorf("span %s: orderflow.order_id %q, orderflow.sku %q; want only the SKU", s.Name(), a["orderflow.order_id"], a["orderflow.sku"])
		}
	}
	if len(spans.Ended()) != 2 {
		t.Fatalf("%d spans, want one per message", len(spans.Ended()))
	}
}

// TestDefaultChainRetriesInjectedFaults: an injected error (/admin/faults
// error_rate) is retried like any transient one, because InjectFaults sits
// inside Retry; once the fault is lifted the event is applied.
func TestDefaultChainRetriesInjectedFaults(t *testing.T) {
	in := faults.New()
	if err := in.Set(faults.Settings{ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(150*time.Millisecond, func() { _ = in.Set(faults.Settings{}) })
	st := &txStore{failures: map[string]int{}, failWith: map[string]error{}}
	tracer, _ := recorder()
	c := &consume.Stats{}
	h := consume.DefaultChain(st.handle, consume.ChainConfig{
		Group: "inventory-svc.events", DLQ: &recordingDLQ{}, Tracer: tracer, Parent: childOf, Faults: in, Logger: quiet, Stats: c,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h(ctx, fetched(placedMessage(t, 1))); err != nil {
		t.Fatalf("handler: %v", err)
	}
	if !slices.Equal(st.applied, []string{orderID(1)}) || c.Retries.Load() == 0 || c.Processed.Load() != 1 || c.DeadLetter.Load() != 0 {
		t.Fatalf("applied %v after %d retries (processed %d, dead letters %d); want the event applied once after retries",
			st.applied, c.Retries.Load(), c.Processed.Load(), c.DeadLetter.Load())
	}
}
