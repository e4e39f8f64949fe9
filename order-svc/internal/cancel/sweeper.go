package cancel

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/retry"

	"github.com/orderflow/order-svc/internal/order"
)

// DefaultBatch is how many overdue orders one sweep reads at a time: each is
// cancelled in its own short transaction, so consumers wait at most one
// order's write for the database's writer.
const DefaultBatch = 100

// Sweeper cancels events orders that are not final ORDER_DEADLINE after
// they were placed (the saga's timeout): CANCELLED with reason deadline and
// OrderCancelled, each order in one transaction with its outbox row.
//
// Every order-svc replica runs one, on one PostgreSQL schema, with no lock
// between them: two may pick the same overdue order. That is safe because
// the cancellation reads the order again inside its transaction, which is
// SERIALIZABLE (platform/database): of two replicas cancelling one order, the
// later fails to serialize, is run again, reads CANCELLED and writes nothing,
// so an order is cancelled once and OrderCancelled is published once
// (TestTwoSweepersCancelEachOrderOnce; under READ COMMITTED it fails). SKIP
// LOCKED would save the loser that rerun, but sweeps are rare and small.
type Sweeper struct {
	Events   *Events
	Deadline time.Duration
	Batch    int // DefaultBatch when 0
	Logger   *slog.Logger
	// Sleep waits d or until ctx ends (false); retry.Sleep when nil. Tests
	// pass a fake that advances their clock instead.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// Period is how often the sweeper looks: a quarter of the deadline, so an
// order is cancelled at most 25 % late, and at least once a second.
func (s *Sweeper) Period() time.Duration { return min(s.Deadline/4, time.Second) }

// Run sweeps every Period until ctx ends. A failed sweep is logged and
// tried again at the next period: the orders stay overdue until then.
func (s *Sweeper) Run(ctx context.Context) error {
	sleep := s.Sleep
	if sleep == nil {
		sleep = retry.Sleep
	}
	for sleep(ctx, s.Period()) {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.Logger.ErrorContext(ctx, "deadline sweep failed; trying again at the next period", "err", err, "period", s.Period().String())
		}
	}
	return nil
}

// Sweep cancels every order overdue now, a batch at a time, and returns how
// many it cancelled. An order that became final meanwhile is left alone.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	batch := s.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	cancelled := 0
	defer func() {
		if cancelled > 0 {
			s.Events.Outbox.Notify()
		}
	}()
	for ctx.Err() == nil {
		cutoff := s.Events.Now().Add(-s.Deadline)
		list, err := s.Events.Store.Overdue(ctx, cutoff, batch)
		if err != nil {
			return cancelled, err
		}
		for _, o := range list {
			_, changed, err := s.Events.one(ctx, o.ID, events.ReasonDeadline)
			if err != nil && !errors.Is(err, order.ErrFinal) {
				return cancelled, err
			}
			if changed {
				cancelled++
				s.Logger.InfoContext(ctx, "order cancelled: deadline passed", "order_id", o.ID, "placed_at", o.PlacedAt, "deadline", s.Deadline.String())
			}
		}
		if len(list) < batch {
			break
		}
	}
	return cancelled, ctx.Err()
}
