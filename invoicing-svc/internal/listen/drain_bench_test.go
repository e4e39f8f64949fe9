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

	"github.com/orderflow/invoicing-svc/internal/listen"
	"github.com/orderflow/invoicing-svc/internal/store"
)

// BenchmarkDrain is invoicing-svc's consumer draining a backlog of
// StockReserved events on each store, with consumetest's harness (3
// partitions, as KAFKA_PARTITIONS' default), for the 1000 customers of
// load.Mix. The whole loop is timed, making the backlog too.
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
	h := &listen.Handler{Now: time.Now, Ledger: store.Ledger{DefaultLimitCents: plenty}}
	proc := &consume.Processor{DB: st.DB, Routes: drain.Counted(h.Routes()),
		Outbox: &outbox.Writer{Topic: events.TopicInvoicing, Propagator: propagation.TraceContext{}, Relay: &countingRelay{}}}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		drain.Run(proc, reservedBacklog(b, consumetest.Events, kafkabus.DefaultPartitions), batch)
	}
	drain.Report(b, b.N*consumetest.Events, time.Since(start))
}

// reservedBacklog is n StockReserved events of one line each, for the
// customers and SKUs of load.Mix, dealt round-robin to partitions.
func reservedBacklog(b *testing.B, n, partitions int) [][]*kafkabus.Delivery {
	skus := []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004"}
	out, err := consumetest.Backlog(n, partitions, func(i int) (events.Envelope, error) {
		id := uuid.NewString()
		return events.New(id, time.Now(), events.StockReserved{OrderID: id, ReservationID: uuid.NewString(),
			CustomerID: fmt.Sprintf("load-%03d", i%1000), Items: []events.Line{{SKU: skus[i%len(skus)], Qty: 1 + i%3}}})
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}
