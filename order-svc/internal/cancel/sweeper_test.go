package cancel_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
)

func TestSweeperPeriod(t *testing.T) {
	for d, want := range map[time.Duration]time.Duration{
		100 * time.Millisecond: 25 * time.Millisecond,
		2 * time.Second:        500 * time.Millisecond,
		30 * time.Second:       time.Second,
	} {
		if got := (&cancel.Sweeper{Deadline: d}).Period(); got != want {
			t.Errorf("Period for %v = %v, want %v", d, got, want)
		}
	}
}

// Sweep cancels the orders not final a deadline after they were placed, in
// batches, and nothing else; a second sweep finds nothing.
func TestSweep(t *testing.T) {
	r := newRig(t, config.PropagationChild)
	deadline := 2 * time.Second
	for i := 1; i <= 5; i++ { // overdue, more than one batch
		r.place(t, i, t0.Add(time.Duration(i)*time.Millisecond), nil)
	}
	r.place(t, 6, t0, func(o *order.Order) { _ = o.MarkReserved("res-6", t0) })             // overdue, RESERVED
	r.place(t, 7, t0, func(o *order.Order) { _ = o.MarkInvoiced("inv-7", 1, t0) })          // final
	r.place(t, 8, t0, func(o *order.Order) { _ = o.MarkRejected("short", t0) })             // final
	r.place(t, 9, t0.Add(1500*time.Millisecond), nil)                                       // not yet overdue
	r.place(t, 10, t0, func(o *order.Order) { _, _ = o.Cancel(events.ReasonCustomer, t0) }) // cancelled already
	r.now = t0.Add(deadline + 10*time.Millisecond)
	s := &cancel.Sweeper{Events: r.ev, Deadline: deadline, Batch: 2, Logger: discard}
	n, err := s.Sweep(context.Background())
	if err != nil || n != 6 {
		t.Fatalf("Sweep = %d, %v; want 6 cancelled", n, err)
	}
	got := r.cancelled(t)
	for _, i := range []int{1, 2, 3, 4, 5, 6} {
		if got[id(i)] != events.ReasonDeadline {
			t.Errorf("order %d: OrderCancelled %q, want deadline", i, got[id(i)])
		}
		if o, _ := r.st.Get(context.Background(), id(i)); o.Status != order.Cancelled || o.Reason != events.ReasonDeadline {
			t.Errorf("order %d = %s %q", i, o.Status, o.Reason)
		}
	}
	if len(got) != 6 {
		t.Fatalf("outbox = %v, want 6 cancellations", got)
	}
	if o, _ := r.st.Get(context.Background(), id(9)); o.Status != order.Pending {
		t.Fatalf("order 9 (placed 1.5 s ago) = %s, want PENDING", o.Status)
	}
	if r.relay.n.Load() != 1 {
		t.Fatalf("relay woken %d times, want once for the sweep", r.relay.n.Load())
	}
	if n, err := s.Sweep(context.Background()); n != 0 || err != nil {
		t.Fatalf("second sweep = %d, %v", n, err)
	}
}

// Run sweeps every period on its clock: an order is cancelled at the first
// sweep after its deadline, never before.
func TestSweeperRunOnAFakeClock(t *testing.T) {
	r := newRig(t, config.PropagationChild)
	deadline := 400 * time.Millisecond
	r.place(t, 1, t0, nil)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var cancelledAt time.Time
	sleeps := 0
	s := &cancel.Sweeper{Events: r.ev, Deadline: deadline, Logger: discard, Sleep: func(_ context.Context, d time.Duration) bool {
		if d != 100*time.Millisecond {
			t.Errorf("slept %v, want the period 100ms", d)
		}
		if o, _ := r.st.Get(context.Background(), id(1)); o.Status == order.Cancelled && cancelledAt.IsZero() {
			cancelledAt = r.now
		}
		sleeps++
		r.now = r.now.Add(d)
		return sleeps <= 8
	}}
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(deadline); !cancelledAt.Equal(want) {
		t.Fatalf("cancelled by the sweep at %v, want the first sweep at or after the deadline (%v)", cancelledAt.Sub(t0), want.Sub(t0))
	}
}
