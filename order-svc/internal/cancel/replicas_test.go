package cancel_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// Two order-svc replicas on one PostgreSQL schema sweep the same overdue
// orders at once: each order is cancelled once, with one OrderCancelled,
// however the sweeps interleave (SERIALIZABLE: the later of two
// cancellations of one order reruns, reads CANCELLED and does nothing). The
// first order is read by both before either writes it, so they collide at
// least once (the reruns counted show it).
func TestTwoSweepersCancelEachOrderOnce(t *testing.T) {
	const orders = 40
	deadline := 2 * time.Second
	target := dbtest.Target(t, database.Postgres)
	var replicas []*rig
	var both sync.WaitGroup // the first cancellations wait here for each other
	both.Add(2)
	for range 2 {
		st, err := store.OpenAt(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		r := rigOn(st, config.PropagationChild)
		r.now = t0.Add(deadline + time.Second)
		// Now is read for the sweep's cutoff, then inside the first
		// cancellation's transaction, after it read the order: both replicas
		// meet there, so both read order 1 PENDING before either writes.
		calls := 0
		r.ev.Now = func() time.Time {
			if calls++; calls == 2 {
				both.Done()
				both.Wait()
			}
			return r.now
		}
		replicas = append(replicas, r)
	}
	for i := 1; i <= orders; i++ {
		replicas[0].place(t, i, t0, nil)
	}

	cancelled := make([]int, len(replicas))
	var wg sync.WaitGroup
	for i, r := range replicas {
		wg.Go(func() {
			s := &cancel.Sweeper{Events: r.ev, Deadline: deadline, Batch: 10, Logger: discard}
			n, err := s.Sweep(context.Background())
			if err != nil {
				t.Errorf("replica %d: sweep: %v", i, err)
			}
			cancelled[i] = n
		})
	}
	wg.Wait()

	got := replicas[0].cancelled(t) // fails on two OrderCancelled for one order
	var reruns uint64
	for _, r := range replicas {
		reruns += database.RerunsOf(r.st.DB).Count("")
	}
	t.Logf("n=%d overdue orders, 2 sweepers: cancelled %d + %d, %d OrderCancelled, %d transactions rerun", orders, cancelled[0], cancelled[1], len(got), reruns)
	if cancelled[0]+cancelled[1] != orders || len(got) != orders {
		t.Fatalf("the sweepers cancelled %d + %d orders with %d OrderCancelled; want %d and one each", cancelled[0], cancelled[1], len(got), orders)
	}
	for i := 1; i <= orders; i++ {
		if o, _ := replicas[1].st.Get(context.Background(), id(i)); o.Status != order.Cancelled || o.Reason != events.ReasonDeadline {
			t.Errorf("order %d = %s %q, want CANCELLED (deadline)", i, o.Status, o.Reason)
		}
	}
	if reruns == 0 {
		t.Fatal("no transaction reran, though both replicas read order 1 before either cancelled it")
	}
}
