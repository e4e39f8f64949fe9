package kafkabus_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// These benchmarks run the real Publisher and Consumer against franz-go's
// in-process kfake broker: no disk, no replication, loopback only. They
// measure the client side — kafka-go's batching and round trips, the
// synchronous offset commit, decoding, spans — not what a JVM broker adds.

var benchLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// benchBroker starts a one-broker kfake cluster with the services' topic
// settings (3 partitions) and returns its address. With dataDir it keeps its
// log and offsets on disk (no fsync), as the broker of 'flowctl up --mode
// events' does; without, in memory.
func benchBroker(b testing.TB, dataDir string, topics ...string) []string {
	b.Helper()
	return benchBrokerN(b, dataDir, kafkabus.DefaultPartitions, topics...)
}

// benchBrokerN is benchBroker with partitions per topic.
func benchBrokerN(b testing.TB, dataDir string, partitions int, topics ...string) []string {
	b.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.DefaultNumPartitions(partitions),
		kfake.BrokerConfigs(map[string]string{"group.initial.rebalance.delay.ms": "0"})}
	if dataDir != "" {
		opts = append(opts, kfake.DataDir(dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafkabus.EnsureTopics(ctx, brokers, 1, kafkabus.DefaultPartitions, topics...); err != nil {
		b.Fatal(err)
	}
	for ctx.Err() == nil && kafkabus.TopicsVisible(ctx, brokers, topics...) != nil {
		time.Sleep(10 * time.Millisecond)
	}
	return brokers
}

// benchPublisher is the services' Publisher: NewWriter (RequireAll,
// BatchTimeout 2 ms, hash on the key), an SDK tracer that records spans (no
// exporter) and trace context in the headers.
func benchPublisher(brokers []string) *kafkabus.Publisher {
	return &kafkabus.Publisher{
		Writer:      kafkabus.NewWriter(brokers, benchLogger),
		Tracer:      sdktrace.NewTracerProvider().Tracer("bench"),
		Propagation: kafkabus.Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}},
	}
}

// benchMessages are n OrderPlaced events for distinct orders (so they spread
// over the partitions), encoded ahead of time.
func benchMessages(b *testing.B, topic string, first, n int) []kafkabus.Message {
	b.Helper()
	at := time.Date(2025, 11, 3, 9, 30, 15, 0, time.UTC)
	msgs := make([]kafkabus.Message, n)
	for i := range msgs {
		orderID := fmt.Sprintf("%08d-0000-4000-8000-000000000000", first+i)
		env, err := events.New(orderID, at, events.OrderPlaced{
			OrderID: orderID, CustomerID: "load-042", Items: []events.Line{{SKU: "SKU-001", Qty: 2}}, PlacedAt: at,
		})
		if err != nil {
			b.Fatal(err)
		}
		body, err := env.Encode()
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = kafkabus.Message{Topic: topic, Key: orderID, EventID: env.ID, EventType: env.Type, Value: body}
	}
	return msgs
}

// benchPublish writes msgs in publishes of up to 100, as the relay does.
func benchPublish(b testing.TB, pub *kafkabus.Publisher, msgs []kafkabus.Message) {
	b.Helper()
	for len(msgs) > 0 {
		n := min(len(msgs), 100)
		if err := pub.Publish(context.Background(), msgs[:n]...); err != nil {
			b.Fatal(err)
		}
		msgs = msgs[n:]
	}
}

// BenchmarkConsumer is the consumer end to end, one op per event: fetch,
// decode, process span, a handler that does nothing, offset commit per
// batch. A backlog of b.N events is published first while the consumer,
// already in its group with its partitions assigned, is held in the handler of
// a warm-up event; the timer runs from its release until the last event was
// handled, so group join and publishing are not measured.
func BenchmarkConsumer(b *testing.B) {
	benchBrokers(b, benchConsumer)
}

// benchBrokers runs bench against a broker in memory and one with a data
// directory.
func benchBrokers(b *testing.B, bench func(b *testing.B, dataDir string)) {
	b.Run("broker=memory", func(b *testing.B) { bench(b, "") })
	b.Run("broker=data-dir", func(b *testing.B) { bench(b, b.TempDir()) })
}

func benchConsumer(b *testing.B, dataDir string) {
	const topic = events.TopicOrders
	brokers := benchBroker(b, dataDir, topic, events.DLQ(topic))
	pub := benchPublisher(brokers)
	defer pub.Close()
	benchPublish(b, pub, benchMessages(b, topic, 0, 1)) // the warm-up event

	release := make(chan struct{})
	done := make(chan struct{})
	var doneOnce sync.Once
	var entered, handled atomic.Int64
	want := int64(b.N) + 1
	stats := &consume.Stats{}
	c := kafkabus.NewConsumer(kafkabus.ConsumerConfig{
		Brokers: brokers,
		Group:   "bench",
		Topics:  []string{topic},
		Logger:  benchLogger,
		Handler: benchChain(brokers, stats, func(_ context.Context, batch []*kafkabus.Delivery) error {
			// Every handling waits for the release (the partitions are
			// worked in parallel), so no worker gets ahead of the timer.
			entered.Add(1)
			<-release
			if handled.Add(int64(len(batch))) >= want {
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
		b.Fatalf("handled %d of %d events in 5 minutes", handled.Load()-1, b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	cancel()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	if got := stats.Processed.Load(); got != want {
		b.Fatalf("processed %d events, want %d", got, want)
	}
}

// BenchmarkCommit is one offset commit round trip, alone: a group reader
// (kafkabus.NewReader, CommitInterval 0) commits the offset of one fetched
// message again and again. The consumer used to make one per event, waiting
// for it; it now makes one per batch (and per partitions' worth of batches
// that finish while one is in flight), without waiting.
func BenchmarkCommit(b *testing.B) {
	benchBrokers(b, benchCommit)
}

func benchCommit(b *testing.B, dataDir string) {
	const topic = events.TopicOrders
	brokers := benchBroker(b, dataDir, topic)
	pub := benchPublisher(brokers)
	defer pub.Close()
	benchPublish(b, pub, benchMessages(b, topic, 0, 1))
	r := kafkabus.NewReader(brokers, "bench", []string{topic}, benchLogger)
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	m, err := r.FetchMessage(ctx) // joined, partitions assigned
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.CommitMessages(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkPublisher is Publisher.Publish, which returns only once the broker
// acknowledged (RequireAll). One op is one Publish call: batch=1 is what the
// relay sends when each commit wakes it for one row, batch=100 its batch
// size when a backlog waits. With BatchTimeout 2 ms a lone message waits for
// the timeout before kafka-go sends it.
func BenchmarkPublisher(b *testing.B) {
	const topic = events.TopicOrders
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			brokers := benchBroker(b, "", topic)
			pub := benchPublisher(brokers)
			defer pub.Close()
			msgs := benchMessages(b, topic, 0, batch)
			benchPublish(b, pub, msgs) // connections and metadata
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := pub.Publish(ctx, msgs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}

// benchChain wraps h in the services' chain (consume.DefaultChain): the
// consumer is measured with its process spans and decoding, as it runs.
func benchChain(brokers []string, stats *consume.Stats, h kafkabus.Handler) kafkabus.Handler {
	return consume.DefaultChain(h, consume.ChainConfig{
		Group:  "bench",
		Tracer: sdktrace.NewTracerProvider().Tracer("bench"),
		Parent: kafkabus.Propagation{Mode: config.PropagationChild, Propagator: propagation.TraceContext{}}.ConsumerStart,
		DLQ:    kafkabus.NewWriter(brokers, benchLogger),
		Logger: benchLogger,
		Stats:  stats,
	})
}
