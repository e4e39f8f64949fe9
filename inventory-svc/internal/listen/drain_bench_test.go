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

	"github.com/orderflow/inventory-svc/internal/listen"
	"github.com/orderflow/inventory-svc/internal/store"
)

// drainEvents is the backlog one benchmark iteration drains, as in
// `flowctl bench`'s drain (1000 OrderPlaced).
const drainEvents = 1000

// BenchmarkDrain is inventory-svc's consumer draining a backlog of
// OrderPlaced events on each store: one worker per partition (3, as
// KAFKA_PARTITIONS' default), each handing its partition's events to the
// Processor in batches, as kafkabus.Consumer does. The orders cycle over the
// four plentiful SKUs of load.Mix, so the workers' transactions update the
// same stock rows. lock=off leaves out store.LockStock (PostgreSQL only; on
// SQLite it does nothing). applies/event above 1 is work done again: a
// transaction that failed to serialize ran again (sqlitedb.InTx);
// failures/event counts the batches that failed even so, handed on again
// here as consume.Retry would (without its pause).
func BenchmarkDrain(b *testing.B) {
	for _, d := range dbtest.Dialects {
		for _, batch := range []int{1, kafkabus.DefaultBatchMax} {
			for _, lock := range []bool{true, false} {
				if !lock && d == database.SQLite {
					continue
				}
				b.Run(fmt.Sprintf("%s/batch=%d/lock=%s", d, batch, onOff(lock)), func(b *testing.B) {
					benchDrain(b, d, batch, lock)
				})
			}
		}
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func benchDrain(b *testing.B, d database.Dialect, batch int, lock bool) {
	st, err := store.OpenAt(context.Background(), dbtest.Target(b, d))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var applies, failures atomic.Int64
	proc := &consume.Processor{DB: st.DB, Routes: counted((&listen.Handler{Now: time.Now}).Routes(), &applies),
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: &relay{}}}
	if lock {
		proc.Lock = st.LockStock
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		var wg sync.WaitGroup
		for _, part := range orderBacklog(b, drainEvents, kafkabus.DefaultPartitions) {
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
	took := time.Since(start)
	events := float64(b.N * drainEvents)
	b.ReportMetric(events/took.Seconds(), "events/s")
	b.ReportMetric(float64(applies.Load())/events, "applies/event")
	b.ReportMetric(float64(failures.Load())/events, "failures/event")
}

// orderBacklog is n OrderPlaced events of one SKU line each, cycling over
// SKU-001…SKU-004 like load.Mix, dealt round-robin to partitions.
func orderBacklog(b *testing.B, n, partitions int) [][]*kafkabus.Delivery {
	skus := []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"}
	out := make([][]*kafkabus.Delivery, partitions)
	for i := range n {
		id := uuid.NewString()
		env, err := events.New(id, time.Now(), events.OrderPlaced{OrderID: id, CustomerID: fmt.Sprintf("load-%03d", i%1000),
			Items: []events.Line{{SKU: skus[i%len(skus)], Qty: 1 + i%3}}, PlacedAt: time.Now()})
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
