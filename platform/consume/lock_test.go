package consume_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/orderflow/platform/kafkabus"
)

// TestProcessorLockRunsFirst: Lock runs once per transaction, before the
// inbox claim (nothing of the batch is written yet when it runs), and a Lock
// that fails fails the batch with nothing applied and no wake-up.
func TestProcessorLockRunsFirst(t *testing.T) {
	f := newFixture(t)
	calls := 0
	f.proc.Lock = func(ctx context.Context, tx *sql.Tx) error {
		calls++
		var claimed int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM processed_events`).Scan(&claimed); err != nil {
			return err
		}
		if claimed != 0 {
			t.Errorf("Lock ran after %d inbox claims of its transaction, want before any", claimed)
		}
		return nil
	}
	if err := f.proc.Handle(context.Background(), []*kafkabus.Delivery{placed(t, 1), placed(t, 2)}); err != nil {
		t.Fatal(err)
	}
	if got := f.counts(t); got != [3]int{2, 2, 2} || calls != 1 {
		t.Fatalf("applied, inbox, outbox = %v with %d Lock calls; want [2 2 2] with 1", got, calls)
	}

	g := newFixture(t)
	refused := errors.New("lock timeout")
	g.proc.Lock = func(context.Context, *sql.Tx) error { return refused }
	if err := g.proc.Handle(context.Background(), []*kafkabus.Delivery{placed(t, 1)}); !errors.Is(err, refused) {
		t.Fatalf("Handle with a failing Lock = %v, want %v", err, refused)
	}
	if got := g.counts(t); got != [3]int{0, 0, 0} || g.relay.n != 0 {
		t.Fatalf("after a failed Lock: applied, inbox, outbox = %v with %d wake-ups; want nothing", got, g.relay.n)
	}
}
