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

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"

	"github.com/orderflow/order-svc/internal/listen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// drainEvents is the backlog one benchmark iteration drains, as in
// `flowctl bench`'s drain (1000 orders).
const drainEvents = 1000

// BenchmarkDrain is order-svc's consumer draining a backlog of StockReserved
// events for PENDING orders on each store: one worker per partition (3, as
// KAFKA_PARTITIONS' default), each handing its partition's events to the
// Processor in batches, as kafkabus.Consumer does. applies/event above 1 is
// work done again: a transaction that failed to serialize ran again
// (sqlitedb.InTx); failures/event counts the batches that failed even so,
// handed on again here as consume.Retry would.
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
	proc := &consume.Processor{DB: st.DB, Routes: counted((&listen.Handler{Now: time.Now}).Routes(), &applies)}
	var took time.Duration
	for range b.N {
		backlog := reservedBacklog(b, st, drainEvents, kafkabus.DefaultPartitions)
		start := time.Now()
		var wg sync.WaitGroup
		for _, part := range backlog {
			wg.Go(func() {
				for i := 0; i < len(part); i += batch {
					for proc.Handle(context.Background(), part[i:min(i+batch, len(part))]) != nil {
						failures.Add(1)
					}
				}
			})
		}
		wg.Wait()
		took += time.Since(start)
	}
	n := float64(b.N * drainEvents)
	b.ReportMetric(n/took.Seconds(), "events/s")
	b.ReportMetric(float64(applies.Load())/n, "applies/event")
	b.ReportMetric(float64(failures.Load())/n, "failures/event")
}

// reservedBacklog places n PENDING orders in st and returns a StockReserved
// for each, dealt round-robin to partitions.
func reservedBacklog(b *testing.B, st *store.Store, n, partitions int) [][]*kafkabus.Delivery {
	ctx := context.Background()
	out := make([][]*kafkabus.Delivery, partitions)
	err := st.InTx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			id := uuid.NewString()
			lines := []order.Line{{SKU: "SKU-001", Qty: 1 + i%3}}
			if err := store.Insert(ctx, tx, order.New(id, order.Draft{CustomerID: fmt.Sprintf("load-%03d", i%1000), Items: lines}, "", time.Now())); err != nil {
				return err
			}
			env, err := events.New(id, time.Now(), events.StockReserved{OrderID: id, ReservationID: uuid.NewString(), CustomerID: "c", Items: lines})
			if err != nil {
				return err
			}
			raw, _ := env.Encode()
			env, payload, err := events.Decode(raw)
			if err != nil {
				return err
			}
			out[i%partitions] = append(out[i%partitions], &kafkabus.Delivery{Ctx: ctx, Env: env, Payload: payload})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
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
