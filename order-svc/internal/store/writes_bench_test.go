package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// BenchmarkSyncWrites is order-svc's writes of a sync placement, from
// workers at once (the requests in flight): the PENDING insert, then
// RESERVED and CONFIRMED, each read and updated in its own transaction.
// runs/tx above 1 is transactions that failed to serialize and ran again.
func BenchmarkSyncWrites(b *testing.B) {
	for _, d := range dbtest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			const workers, each = 16, 50
			st, err := store.OpenAt(context.Background(), dbtest.Target(b, d))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			var runs, txs atomic.Int64
			inTx := func(fn func(tx *sql.Tx) error) {
				txs.Add(1)
				if err := st.InTx(context.Background(), func(tx *sql.Tx) error { runs.Add(1); return fn(tx) }); err != nil {
					b.Error(err)
				}
			}
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				var wg sync.WaitGroup
				for w := range workers {
					wg.Go(func() {
						for i := range each {
							o := order.New(uuid.NewString(), order.Draft{CustomerID: fmt.Sprintf("load-%03d", (w*each+i)%1000), Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", time.Now())
							inTx(func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) })
							for _, s := range []order.Status{order.Reserved, order.Confirmed} {
								inTx(func(tx *sql.Tx) error {
									got, err := store.GetTx(ctx, tx, o.ID)
									if err != nil {
										return err
									}
									got.Status, got.UpdatedAt = s, time.Now()
									return store.Update(ctx, tx, got)
								})
							}
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.N*workers*each)/time.Since(start).Seconds(), "orders/s")
			b.ReportMetric(float64(runs.Load())/float64(txs.Load()), "runs/tx")
		})
	}
}
