package listen_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// drainEvents is the backlog one benchmark iteration drains, as in
// `flowctl bench`'s drain (1000 orders).
const drainEvents = 1000

// BenchmarkDrain is invoicing-svc's consumer draining a backlog of
// StockReserved events on each store: one worker per partition (3, as
// KAFKA_PARTITIONS' default), each handing its partition's events to the
// Processor in batches, as kafkabus.Consumer does, for the 1000 customers
// of load.Mix. applies/event above 1 is work done again: a transaction that
// failed to serialize ran again (sqlitedb.InTx); failures/event counts the
// batches that failed even so, handed on again here as consume.Retry would.
func BenchmarkDrain(b *testing.B) {
	for _, d := range dbtest.Dialects {
		for _, batch := range []int{1, kafkabus.DefaultBatchMax} {
			b.Run(fmt.Sprintf("%s/batch=%d", d, batch), func(b *testing.B) { benchDrain(b, d, batch) })
		}
	}
}

func benchDrain(b *testing.B, d database.Dialect, batch int) {
	st, err := store.OpenAt(context.Background(), dbtest.Target(b, d))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var applies, failures atomic.Int64
	h := &listen.Handler{Now: time.Now, Ledger: store.Ledger{DefaultLimitCents: plenty}}
	proc := &consume.Processor{DB: st.DB, Routes: counted(h.Routes(), &applies),
		Outbox: &outbox.Writer{Topic: events.TopicInvoicing, Propagator: propagation.TraceContext{}, Relay: &countingRelay{}}}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		var wg sync.WaitGroup
		for _, part := range reservedBacklog(b, drainEvents, kafkabus.DefaultPartitions) {
			wg.Go(func() {
				for i := 0; i < len(part); i += batch {
					for proc.Handle(context.Background(), part[i:min(i+batch, len(part))]) != nil {
						failures.Add(1)
					}
				}
			})
		}
		wg.Wait()
	}
	n := float64(b.N * drainEvents)
	b.ReportMetric(n/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(applies.Load())/n, "applies/event")
	b.ReportMetric(float64(failures.Load())/n, "failures/event")
}

// reservedBacklog is n StockReserved events of one line each, for the
// customers and SKUs of load.Mix, dealt round-robin to partitions.
func reservedBacklog(b *testing.B, n, partitions int) [][]*kafkabus.Delivery {
	skus := []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"}
	out := make([][]*kafkabus.Delivery, partitions)
	for i := range n {
		id := uuid.NewString()
		env, err := events.New(id, time.Now(), events.StockReserved{OrderID: id, ReservationID: uuid.NewString(),
			CustomerID: fmt.Sprintf("load-%03d", i%1000), Items: []events.Line{{SKU: skus[i%len(skus)], Qty: 1 + i%3}}})
		if err != nil {
			b.Fatal(err)
		}
		raw, err := env.Encode()
		if err != nil {
			b.Fatal(err)
		}
		env, payload, err := events.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		out[i%partitions] = append(out[i%partitions], &kafkabus.Delivery{Ctx: context.Background(), Env: env, Payload: payload})
	}
	return out
}

// counted counts the calls of every route in n.
func counted(routes consume.Routes, n *atomic.Int64) consume.Routes {
	out := consume.Routes{}
	for typ, apply := range routes {
		out[typ] = func(ctx context.Context, tx *sql.Tx, env events.Envelope, p events.Payload) ([]events.Envelope, error) {
			n.Add(1)
			return apply(ctx, tx, env, p)
		}
	}
	return out
}
