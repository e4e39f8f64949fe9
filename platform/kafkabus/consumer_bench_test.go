package kafkabus_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

type noRelay struct{}

func (noRelay) Notify() {}

// BenchmarkConsumerSQLite is the consumer with a handler as heavy as the
// services' own, one op per event: platform/consume over a SQLite file
// (WAL, synchronous NORMAL) that claims the event id in the inbox, inserts a
// reservation row and adds one outbox row per event — what inventory-svc does
// for OrderPlaced. The timer runs as in BenchmarkConsumer: from the release
// of a consumer that holds a backlog of b.N events until the last one was
// applied. batch=1 turns batching off (CONSUMER_BATCH_MAX=1): what is
// left is the partitions worked in parallel and commits that do not wait.
func BenchmarkConsumerSQLite(b *testing.B) {
	for _, batchMax := range []int{1, kafkabus.DefaultBatchMax} {
		b.Run(fmt.Sprintf("batch=%d", batchMax), func(b *testing.B) {
			benchBrokers(b, func(b *testing.B, dataDir string) {
				benchConsumerSQLite(b, dataDir, kafkabus.DefaultPartitions, batchMax)
			})
		})
	}
}

// BenchmarkConsumerPartitions is BenchmarkConsumerSQLite with batches, by the
// number of partitions (KAFKA_PARTITIONS): the workers share the service's one
// SQLite writer, so past a few partitions more of them only wait for it.
func BenchmarkConsumerPartitions(b *testing.B) {
	for _, n := range []int{1, 3, 6, 12} {
		b.Run(fmt.Sprintf("partitions=%d", n), func(b *testing.B) {
			benchConsumerSQLite(b, b.TempDir(), n, kafkabus.DefaultBatchMax)
		})
	}
}

func benchConsumerSQLite(b *testing.B, dataDir string, partitions, batchMax int) {
	const topic = events.TopicOrders
	brokers := benchBrokerN(b, dataDir, partitions, topic, events.DLQ(topic))
	pub := benchPublisher(brokers)
	defer pub.Close()
	benchPublish(b, pub, benchMessages(b, topic, 0, 1)) // the warm-up event

	db, err := sqlitedb.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlitedbtest.Schema("test", `CREATE TABLE reservations (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, created_at TEXT NOT NULL)`), inbox.Schema, outbox.Schema)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	proc := &consume.Processor{
		DB: db,
		Routes: consume.Routes{events.TypeOrderPlaced: func(ctx context.Context, tx *sql.Tx, _ events.Envelope, p events.Payload) ([]events.Envelope, error) {
			placed := p.(*events.OrderPlaced)
			if _, err := tx.ExecContext(ctx, `INSERT INTO reservations(order_id, customer_id, created_at) VALUES (?, ?, ?)`,
				placed.OrderID, placed.CustomerID, placed.PlacedAt.Format(time.RFC3339Nano)); err != nil {
				return nil, err
			}
			out, err := events.New(placed.OrderID, placed.PlacedAt, events.StockReserved{OrderID: placed.OrderID, ReservationID: placed.OrderID, CustomerID: placed.CustomerID, Items: placed.Items})
			return []events.Envelope{out}, err
		}},
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: noRelay{}},
	}

	release := make(chan struct{})
	done := make(chan struct{})
	var doneOnce sync.Once
	var entered, applied atomic.Int64
	want := int64(b.N) + 1
	stats := &consume.Stats{}
	c := kafkabus.NewConsumer(kafkabus.ConsumerConfig{
		Brokers:  brokers,
		Group:    "bench",
		Topics:   []string{topic},
		Logger:   benchLogger,
		BatchMax: batchMax,
		Handler: benchChain(brokers, stats, func(ctx context.Context, batch []*kafkabus.Delivery) error {
			// Every handling waits for the release, so no worker gets ahead
			// of the timer while the backlog is published.
			entered.Add(1)
			<-release
			if err := proc.Handle(ctx, batch); err != nil {
				return err
			}
			if applied.Add(int64(len(batch))) >= want {
				doneOnce.Do(func() { close(done) })
			}
			return nil
		}),
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- c.Run(ctx) }()

	deadline := time.Now().Add(time.Minute)
	for entered.Load() == 0 {
		if time.Now().After(deadline) {
			b.Fatal("the consumer did not receive the warm-up event within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	benchPublish(b, pub, benchMessages(b, topic, 1, b.N))

	b.ResetTimer()
	close(release)
	select {
	case <-done:
	case err := <-errc:
		b.Fatalf("consumer stopped: %v", err)
	case <-time.After(5 * time.Minute):
		b.Fatalf("applied %d of %d events in 5 minutes", applied.Load()-1, b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	cancel()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM reservations`).Scan(&n); err != nil || int64(n) != want {
		b.Fatalf("%d reservations (%v), want %d: an event applied twice or not at all", n, err, want)
	}
}
