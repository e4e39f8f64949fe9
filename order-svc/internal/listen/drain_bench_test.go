package listen_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/consume/consumetest"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"

	"github.com/orderflow/order-svc/internal/listen"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// BenchmarkDrain is order-svc's consumer draining a backlog of StockReserved
// events for PENDING orders on each store, with consumetest's harness (3
// partitions, as KAFKA_PARTITIONS' default). Only the drain is timed: each
// iteration first places its orders, which the events/s leave out.
func BenchmarkDrain(b *testing.B) {
	consumetest.ForEach(b, benchDrain)
}

func benchDrain(b *testing.B, d database.Dialect, batch int) {
	st, err := store.OpenAt(context.Background(), dbtest.Target(b, d))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var drain consumetest.Drain
	proc := &consume.Processor{DB: st.DB, Routes: drain.Counted((&listen.Handler{Now: time.Now}).Routes())}
	var took time.Duration
	for range b.N {
		backlog := reservedBacklog(b, st, consumetest.Events, kafkabus.DefaultPartitions)
		start := time.Now()
		drain.Run(proc, backlog, batch)
		took += time.Since(start)
	}
	drain.Report(b, b.N*consumetest.Events, took)
}

// reservedBacklog places n PENDING orders in st and returns a StockReserved
// for each, dealt round-robin to partitions.
func reservedBacklog(b *testing.B, st *store.Store, n, partitions int) [][]*kafkabus.Delivery {
	ctx := context.Background()
	var out [][]*kafkabus.Delivery
	err := st.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = consumetest.Backlog(n, partitions, func(i int) (events.Envelope, error) {
			id := uuid.NewString()
			lines := []order.Line{{SKU: "SKU-001", Qty: 1 + i%3}}
			if err := store.Insert(ctx, tx, order.New(id, order.Draft{CustomerID: fmt.Sprintf("load-%03d", i%1000), Items: lines}, "", time.Now())); err != nil {
				return events.Envelope{}, err
			}
			return events.New(id, time.Now(), events.StockReserved{OrderID: id, ReservationID: uuid.NewString(), CustomerID: "c", Items: lines})
		})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
