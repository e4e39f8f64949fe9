package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// BenchmarkOrderWrites measures the order's own SQLite writes, one
// transaction each as the services run them: insert is POST /orders' row,
// read-update is a consumer's step (read the order in the transaction, write
// its new status). The outbox and inbox rows beside them are in
// platform/outbox's and platform/kafkabus's benchmarks.
func BenchmarkOrderWrites(b *testing.B) {
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 9, 30, 0, 0, time.UTC)
	newOrder := func(i int) order.Order {
		return order.Order{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), CustomerID: "load-042",
			Items: []order.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}}, Status: order.Pending, PlacedAt: at, UpdatedAt: at}
	}
	open := func(b *testing.B) *store.Store {
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "orders.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	}
	b.Run("insert", func(b *testing.B) {
		s := open(b)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := s.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, newOrder(i)) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read-update", func(b *testing.B) {
		s := open(b)
		for i := range b.N {
			if err := s.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, newOrder(i)) }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			err := s.InTx(ctx, func(tx *sql.Tx) error {
				o, err := store.GetTx(ctx, tx, newOrder(i).ID)
				if err != nil {
					return err
				}
				o.Status, o.ConfirmedAt, o.UpdatedAt = order.Confirmed, at, at
				return store.Update(ctx, tx, o)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
