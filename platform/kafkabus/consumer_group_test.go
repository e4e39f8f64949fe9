package kafkabus_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

// These tests run the consumer against kfake, as the services do: a group
// with its generations, a worker per partition, commits.

const groupTestTopic = events.TopicOrders

// startConsumer runs a consumer of groupTestTopic in group until the test
// ends or stop is called; stop waits for Run to return. h is wrapped in the
// services' chain (consume.DefaultChain), and c counts what it did.
func startConsumer(t *testing.T, brokers []string, group string, h kafkabus.Handler) (c *consume.Stats, stop func()) {
	t.Helper()
	c = &consume.Stats{}
	consumer := kafkabus.NewConsumer(kafkabus.ConsumerConfig{
		Brokers: brokers,
		Group:   group,
		Topics:  []string{groupTestTopic},
		Handler: consume.DefaultChain(h, consume.ChainConfig{
			Group:  group,
			Tracer: sdktrace.NewTracerProvider().Tracer("test"),
			Parent: kafkabus.Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}}.ConsumerStart,
			DLQ:    kafkabus.NewWriter(brokers, benchLogger),
			Logger: benchLogger,
			Stats:  c,
		}),
		Logger: benchLogger,
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- consumer.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("consumer %s: %v", group, err)
			}
		})
	}
	t.Cleanup(stop)
	return c, stop
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// seqMessage is the seq-th OrderPlaced of order key (the sequence rides in
// the customer id), published on the partition the key hashes to.
func seqMessage(t testing.TB, key string, seq int) kafkabus.Message {
	at := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	env, err := events.New(key, at, events.OrderPlaced{OrderID: key, CustomerID: fmt.Sprint("seq-", seq), Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, PlacedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	body, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return kafkabus.Message{Topic: groupTestTopic, Key: key, EventID: env.ID, EventType: env.Type, Value: body}
}

// seqOf is the sequence number seqMessage put in the event.
func seqOf(ev *kafkabus.Delivery) int {
	var n int
	fmt.Sscanf(ev.Payload.(*events.OrderPlaced).CustomerID, "seq-%d", &n)
	return n
}

// keysOnPartitions returns one order id per partition, as the writer's hash
// balancer places them.
func keysOnPartitions(partitions int) []string {
	ids := make([]int, partitions)
	for i := range ids {
		ids[i] = i
	}
	keys := make([]string, partitions)
	found := 0
	for n := 0; found < partitions; n++ {
		k := fmt.Sprintf("%08d-0000-4000-8000-00000000000%d", n, 1)
		p := (&kafka.Hash{}).Balance(kafka.Message{Key: []byte(k)}, ids...)
		if keys[p] == "" {
			keys[p] = k
			found++
		}
	}
	return keys
}

// log records what a handler applied, per order, in order.
type applyLog struct {
	mu  sync.Mutex
	seq map[string][]int
	n   int
}

func (l *applyLog) add(batch []*kafkabus.Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range batch {
		l.seq[ev.Env.OrderID] = append(l.seq[ev.Env.OrderID], seqOf(ev))
		l.n++
	}
}

func (l *applyLog) of(key string) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.seq[key])
}

func (l *applyLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// TestConsumerRetryBlocksOnlyItsPartition: an event that keeps failing holds
// up the events behind it on its partition — the same order's next event
// waits, order is kept — while the other partitions go on.
func TestConsumerRetryBlocksOnlyItsPartition(t *testing.T) {
	brokers := benchBroker(t, "", groupTestTopic, events.DLQ(groupTestTopic))
	keys := keysOnPartitions(kafkabus.DefaultPartitions)
	stuck, others := keys[0], keys[1:]
	var healed atomic.Bool
	applied := &applyLog{seq: map[string][]int{}}
	c, _ := startConsumer(t, brokers, "retry-test", func(_ context.Context, batch []*kafkabus.Delivery) error {
		for _, ev := range batch {
			if ev.Env.OrderID == stuck && seqOf(ev) == 1 && !healed.Load() {
				return errors.New("inventory database is locked") // transient: retried
			}
		}
		applied.add(batch)
		return nil
	})
	pub := benchPublisher(brokers)
	defer pub.Close()
	msgs := []kafkabus.Message{seqMessage(t, stuck, 1), seqMessage(t, stuck, 2)}
	for _, k := range others {
		msgs = append(msgs, seqMessage(t, k, 1), seqMessage(t, k, 2))
	}
	benchPublish(t, pub, msgs)

	eventually(t, 30*time.Second, "the other partitions' events applied", func() bool {
		for _, k := range others {
			if !slices.Equal(applied.of(k), []int{1, 2}) {
				return false
			}
		}
		return c.Retries.Load() > 0
	})
	if got := applied.of(stuck); len(got) != 0 {
		t.Fatalf("order %s applied %v while its first event was failing; its second must wait", stuck, got)
	}
	healed.Store(true)
	eventually(t, 30*time.Second, "the stuck partition's events applied", func() bool { return len(applied.of(stuck)) == 2 })
	if got := applied.of(stuck); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("order %s applied in the order %v, want [1 2]", stuck, got)
	}
	if c.DeadLetter.Load() != 0 {
		t.Fatalf("%d dead letters for a transient failure", c.DeadLetter.Load())
	}
}

// TestConsumerKeepsOrderPerKey: with the partitions worked in parallel and
// in batches, every order's events are still applied in the order they were
// published.
func TestConsumerKeepsOrderPerKey(t *testing.T) {
	brokers := benchBroker(t, "", groupTestTopic, events.DLQ(groupTestTopic))
	const orders, perOrder = 40, 8
	applied := &applyLog{seq: map[string][]int{}}
	var calls atomic.Int64
	startConsumer(t, brokers, "order-test", func(_ context.Context, batch []*kafkabus.Delivery) error {
		calls.Add(1)
		applied.add(batch)
		return nil
	})
	pub := benchPublisher(brokers)
	defer pub.Close()
	var msgs []kafkabus.Message
	for seq := 1; seq <= perOrder; seq++ { // interleaved, as orders progress side by side
		for o := range orders {
			msgs = append(msgs, seqMessage(t, fmt.Sprintf("%08d-0000-4000-8000-000000000002", o), seq))
		}
	}
	benchPublish(t, pub, msgs)
	eventually(t, 30*time.Second, "every event applied", func() bool { return applied.count() == orders*perOrder })
	want := []int{1, 2, 3, 4, 5, 6, 7, 8}
	for o := range orders {
		k := fmt.Sprintf("%08d-0000-4000-8000-000000000002", o)
		if got := applied.of(k); !slices.Equal(got, want) {
			t.Errorf("order %s applied in the order %v, want %v", k, got, want)
		}
	}
	t.Logf("%d events in %d handler calls", orders*perOrder, calls.Load())
}

// TestConsumerRedeliveryAfterCrash: the consumer stops after a batch's
// transaction committed but before its offsets were committed, as a crash
// would. The next consumer of the group gets those events again, and the
// inbox makes the redelivery change nothing: every event applied once, one
// outbox row each.
func TestConsumerRedeliveryAfterCrash(t *testing.T) {
	brokers := benchBroker(t, "", groupTestTopic, events.DLQ(groupTestTopic))
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "svc.db"),
		sqlitedbtest.Schema("test", `CREATE TABLE applied (order_id TEXT NOT NULL)`), inbox.Schema, outbox.Schema)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	proc := &consume.Processor{
		DB: db,
		Routes: consume.Routes{events.TypeOrderPlaced: func(ctx context.Context, tx *sql.Tx, env events.Envelope, _ events.Payload) ([]events.Envelope, error) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO applied(order_id) VALUES (?)`, env.OrderID); err != nil {
				return nil, err
			}
			out, err := events.New(env.OrderID, env.OccurredAt, events.StockRejected{OrderID: env.OrderID, Reason: "test", SKU: "SKU-001"})
			return []events.Envelope{out}, err
		}},
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: noRelay{}},
	}
	const n = 12
	key := keysOnPartitions(kafkabus.DefaultPartitions)[0]
	pub := benchPublisher(brokers)
	defer pub.Close()
	var msgs []kafkabus.Message
	for seq := 1; seq <= n; seq++ {
		msgs = append(msgs, seqMessage(t, key, seq))
	}
	benchPublish(t, pub, msgs)

	// The first consumer applies everything, and "crashes" in the batch
	// that holds the last event: after its commit, before the offset commit.
	var crashed atomic.Bool
	_, stop := startConsumer(t, brokers, "crash-test", func(ctx context.Context, batch []*kafkabus.Delivery) error {
		if crashed.Load() {
			return ctx.Err() // nothing more after the crash
		}
		if err := proc.Handle(ctx, batch); err != nil {
			return err
		}
		if seqOf(batch[len(batch)-1]) == n {
			crashed.Store(true)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	eventually(t, 30*time.Second, "the first consumer reached the last event", crashed.Load)
	stop()

	var redelivered atomic.Int64
	second, _ := startConsumer(t, brokers, "crash-test", func(ctx context.Context, batch []*kafkabus.Delivery) error {
		if err := proc.Handle(ctx, batch); err != nil {
			return err
		}
		redelivered.Add(int64(len(batch)))
		return nil
	})
	eventually(t, 30*time.Second, "the uncommitted batch redelivered", func() bool { return second.Processed.Load() > 0 })
	var rows, claims, out int
	for table, dst := range map[string]*int{"applied": &rows, "processed_events": &claims, "outbox": &out} {
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	if rows != n || claims != n || out != n {
		t.Fatalf("after %d redelivered event(s): %d applied, %d inbox rows, %d outbox rows; want %d each", redelivered.Load(), rows, claims, out, n)
	}
}

// TestConsumerDeadLettersInsideABatch: a message that does not decode and an
// event the handler finds invalid sit among good events of one partition.
// Both end up in the DLQ; every good event is applied once, in order.
func TestConsumerDeadLettersInsideABatch(t *testing.T) {
	brokers := benchBroker(t, "", groupTestTopic, events.DLQ(groupTestTopic))
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "svc.db"),
		sqlitedbtest.Schema("test", `CREATE TABLE applied (seq INTEGER NOT NULL)`), inbox.Schema, outbox.Schema)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	proc := &consume.Processor{DB: db, Routes: consume.Routes{events.TypeOrderPlaced: func(ctx context.Context, tx *sql.Tx, env events.Envelope, p events.Payload) ([]events.Envelope, error) {
		seq := seqOf(&kafkabus.Delivery{Env: env, Payload: p})
		if seq == 4 {
			return nil, fmt.Errorf("%w: no price for SKU-001", events.ErrInvalid)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO applied(seq) VALUES (?)`, seq)
		return nil, err
	}}}
	key := keysOnPartitions(kafkabus.DefaultPartitions)[0]
	pub := benchPublisher(brokers)
	defer pub.Close()
	// Published before the consumer starts, so they are fetched together.
	benchPublish(t, pub, []kafkabus.Message{seqMessage(t, key, 1), seqMessage(t, key, 2)})
	if err := pub.Writer.WriteMessages(context.Background(), kafka.Message{Topic: groupTestTopic, Key: []byte(key), Value: []byte("{not json")}); err != nil {
		t.Fatal(err)
	}
	benchPublish(t, pub, []kafkabus.Message{seqMessage(t, key, 4), seqMessage(t, key, 5), seqMessage(t, key, 6)})

	c, _ := startConsumer(t, brokers, "dlq-test", proc.Handle)
	eventually(t, 30*time.Second, "every message applied or dead-lettered", func() bool {
		return c.Processed.Load()+c.DeadLetter.Load() == 6
	})
	var got []int
	rows, err := db.Query(`SELECT seq FROM applied ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if !slices.Equal(got, []int{1, 2, 5, 6}) || c.DeadLetter.Load() != 2 {
		t.Fatalf("applied %v with %d dead letters, want [1 2 5 6] and 2", got, c.DeadLetter.Load())
	}
	eventually(t, 30*time.Second, "both dead letters on "+events.DLQ(groupTestTopic), func() bool {
		return countMessages(t, brokers, events.DLQ(groupTestTopic)) == 2
	})
}

// countMessages counts what topic holds over all its partitions.
func countMessages(t *testing.T, brokers []string, topic string) int64 {
	t.Helper()
	var n int64
	for p := range kafkabus.DefaultPartitions {
		conn, err := kafka.DialLeader(context.Background(), "tcp", brokers[0], topic, p)
		if err != nil {
			t.Fatal(err)
		}
		first, last, err := conn.ReadOffsets()
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += last - first
	}
	return n
}
