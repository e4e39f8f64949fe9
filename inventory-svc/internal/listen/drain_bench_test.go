package listen_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/consume/consumetest"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"

	"github.com/orderflow/inventory-svc/internal/listen"
	"github.com/orderflow/inventory-svc/internal/store"
)

// BenchmarkDrain is inventory-svc's consumer draining a backlog of
// OrderPlaced events on each store, with consumetest's harness (3
// partitions, as KAFKA_PARTITIONS' default). The orders cycle over the four
// plentiful SKUs of load.Mix, so the workers' transactions update the same
// stock rows. lock=off leaves out store.LockStock (PostgreSQL only; on
// SQLite it does nothing). The whole loop is timed, making the backlog too.
func BenchmarkDrain(b *testing.B) {
	consumetest.ForEach(b, func(b *testing.B, d database.Dialect, batch int) {
		for _, lock := range []bool{true, false} {
			if !lock && d == database.SQLite {
				continue
			}
			b.Run("lock="+onOff(lock), func(b *testing.B) { benchDrain(b, d, batch, lock) })
		}
	})
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
	var drain consumetest.Drain
	proc := &consume.Processor{DB: st.DB, Routes: drain.Counted((&listen.Handler{Now: time.Now}).Routes()),
		Outbox: &outbox.Writer{Topic: events.TopicInventory, Propagator: propagation.TraceContext{}, Relay: &relay{}}}
	if lock {
		proc.Lock = st.LockStock
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		drain.Run(proc, orderBacklog(b, consumetest.Events, kafkabus.DefaultPartitions), batch)
	}
	drain.Report(b, b.N*consumetest.Events, time.Since(start))
}

// orderBacklog is n OrderPlaced events of one SKU line each, cycling over
// SKU-001…SKU-004 like load.Mix, dealt round-robin to partitions.
func orderBacklog(b *testing.B, n, partitions int) [][]*kafkabus.Delivery {
	skus := []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"}
	out, err := consumetest.Backlog(n, partitions, func(i int) (events.Envelope, error) {
		id := uuid.NewString()
		return events.New(id, time.Now(), events.OrderPlaced{OrderID: id, CustomerID: fmt.Sprintf("load-%03d", i%1000),
			Items: []events.Line{{SKU: skus[i%len(skus)], Qty: 1 + i%3}}, PlacedAt: time.Now()})
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
