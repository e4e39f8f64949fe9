package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/inventory-svc/internal/stock"
	"github.com/orderflow/inventory-svc/internal/store"
)

// TestConcurrentMovementsKeepTheInvariant runs receipts, adjustments (mostly
// removals), reservations and releases of one scarce SKU at once, through two
// Stores on the same database (the same file; on PostgreSQL the same schema,
// as two replicas) — two connections, so the database's locking and not only
// the one-connection pool orders them — while a reader checks
// 0 <= reserved <= on_hand. At the end the stock must equal the sum of what
// was accepted, and the movements table must account for every unit.
func TestConcurrentMovementsKeepTheInvariant(t *testing.T) {
	dbtest.ForEach(t, testConcurrentMovements)
}

// testConcurrentMovements is the test on d; on PostgreSQL the two Stores are
// two replicas of the service on one schema.
func testConcurrentMovements(t *testing.T, d database.Dialect) {
	const (
		sku     = "SKU-005" // seeded with 3 on hand: removals and reservations often collide
		workers = 6
		ops     = 40
	)
	target := dbtest.Target(t, d)
	var stores []*store.Store
	for range 2 {
		st, err := store.OpenAt(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	start, _ := onHand(t, stores[0], sku)

	var received, adjusted, reservedNow, refusedRemovals, refusedReservations atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers*ops)
	done := make(chan struct{})
	var checks atomic.Int64
	wg.Add(1)
	go func() { // the reader: the invariant holds at every committed state
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			items, err := stores[1].Items(context.Background(), sku)
			if err != nil {
				errs <- err
				return
			}
			if it := items[sku]; it.Reserved < 0 || it.Reserved > it.OnHand {
				errs <- fmt.Errorf("invariant broken: on_hand %d, reserved %d", it.OnHand, it.Reserved)
			}
			checks.Add(1)
		}
	}()
	var writers sync.WaitGroup
	for w := range workers {
		writers.Add(1)
		go func() {
			defer writers.Done()
			st := stores[w%2]
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine []string // this worker's reservations still holding stock
			for i := range ops {
				ctx := context.Background()
				// after is what the op did, counted once it commits: on
				// PostgreSQL a transaction may run again (sqlitedb.InTx).
				var after func()
				err := st.InTx(ctx, func(tx *sql.Tx) error {
					after = func() {}
					switch k := rng.IntN(10); {
					case k < 2: // a delivery
						q := 1 + rng.IntN(2)
						if _, _, _, err := store.Receive(ctx, tx, sku, q, fmt.Sprintf("DN-%d-%d", w, i), t0); err != nil {
							return err
						}
						after = func() { received.Add(int64(q)) }
					case k < 5: // a count: mostly removals, some found units
						d := -1 - rng.IntN(3)
						if k == 4 {
							d = 1
						}
						_, _, _, err := store.Adjust(ctx, tx, sku, d, "count", "", t0)
						var short *stock.RemovalError
						if errors.As(err, &short) {
							after = func() { refusedRemovals.Add(1) }
							return nil
						}
						if err != nil {
							return err
						}
						after = func() { adjusted.Add(int64(d)) }
					case k < 8 || len(mine) == 0: // an order
						q := 1 + rng.IntN(3)
						r, _, err := store.Reserve(ctx, tx, fmt.Sprintf("f%07d-0000-4000-8000-%012d", w, i), []stock.Line{{SKU: sku, Qty: q}}, t0)
						var short *stock.InsufficientError
						if errors.As(err, &short) {
							after = func() { refusedReservations.Add(1) }
							return nil
						}
						if err != nil {
							return err
						}
						after = func() { mine = append(mine, r.ID); reservedNow.Add(int64(q)) }
					default: // a compensation
						r, err := store.Release(ctx, tx, mine[0], t0)
						if err != nil {
							return err
						}
						after = func() { mine = mine[1:]; reservedNow.Add(-int64(r.Lines[0].Qty)) }
					}
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("worker %d op %d: %w", w, i, err)
					return
				}
				after()
			}
		}()
	}
	writers.Wait()
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	gotOnHand, gotReserved := onHand(t, stores[0], sku)
	wantOnHand := start + int(received.Load()+adjusted.Load())
	if gotOnHand != wantOnHand || gotReserved != int(reservedNow.Load()) {
		t.Fatalf("stock = on_hand %d, reserved %d; want %d (%d + %d received %+d adjusted), %d",
			gotOnHand, gotReserved, wantOnHand, start, received.Load(), adjusted.Load(), reservedNow.Load())
	}
	ms, err := stores[0].Movements(context.Background(), sku)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, m := range ms {
		sum += m.Delta
	}
	if start+sum != gotOnHand {
		t.Fatalf("movements sum to %+d, but on_hand went %d → %d", sum, start, gotOnHand)
	}
	// The run must have exercised the refusals, or it proved little.
	if refusedRemovals.Load() == 0 || refusedReservations.Load() == 0 || checks.Load() == 0 {
		t.Fatalf("refused removals %d, refused reservations %d, invariant checks %d: want all > 0",
			refusedRemovals.Load(), refusedReservations.Load(), checks.Load())
	}
	t.Logf("%d movements, %d refused removals, %d refused reservations, %d invariant checks; on_hand %d, reserved %d",
		len(ms), refusedRemovals.Load(), refusedReservations.Load(), checks.Load(), gotOnHand, gotReserved)
}
