package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
)

// slowPublisher is fakePublisher taking a moment per publish, so a second
// relay has the time to read the rows a first one is publishing.
type slowPublisher struct{ fakePublisher }

func (s *slowPublisher) Publish(ctx context.Context, msgs ...kafkabus.Message) error {
	time.Sleep(2 * time.Millisecond)
	return s.fakePublisher.Publish(ctx, msgs...)
}

// Two replicas of a service on one PostgreSQL schema, each writing rows and
// running its own relay at the same time: every row is published exactly
// once, and each key's rows in the order they were written. (SQLite has no
// replicas: one process owns its file.)
func TestTwoRelaysOnePostgresOutbox(t *testing.T) {
	const writers, perWriter = 4, 150
	target := dbtest.Target(t, database.Postgres)
	replicas := []database.Pair{dbtest.OpenPair(t, target, outbox.Schema), dbtest.OpenPair(t, target, outbox.Schema)}
	pub := &slowPublisher{}
	ctx := context.Background()

	var writing sync.WaitGroup
	for w := range writers {
		writing.Go(func() { writeRows(t, replicas[w%2].DB, fmt.Sprintf("key-%d", w), perWriter) })
	}
	written := make(chan struct{})
	go func() { writing.Wait(); close(written) }()
	var relaying sync.WaitGroup
	for _, p := range replicas {
		r := outbox.NewRelay(p.DB, pub, prop, slog.New(slog.DiscardHandler))
		r.BatchSize = 20
		relaying.Go(func() { relayUntilDone(t, ctx, r, p.DB, written) })
	}
	relaying.Wait()

	msgs := pub.published()
	seen := map[string]int{}
	last := map[string]int{}
	for _, m := range msgs {
		seen[m.EventID]++
		var n int
		if _, err := fmt.Sscanf(m.EventType, "n%d", &n); err != nil {
			t.Fatalf("event type %q: %v", m.EventType, err)
		}
		if n <= last[m.Key] && last[m.Key] != 0 {
			t.Errorf("key %s: row %d published after row %d", m.Key, n, last[m.Key])
		}
		last[m.Key] = n
	}
	twice := 0
	for _, c := range seen {
		if c > 1 {
			twice++
		}
	}
	t.Logf("n=%d rows written by %d writers on 2 replicas; published %d messages, %d distinct, %d published more than once", writers*perWriter, writers, len(msgs), len(seen), twice)
	if twice != 0 || len(seen) != writers*perWriter || len(msgs) != writers*perWriter {
		t.Fatalf("want each of the %d rows published exactly once", writers*perWriter)
	}
}

// writeRows writes n rows for key, one transaction each, typed n1, n2, … so
// the test can check their order.
func writeRows(t *testing.T, db *sql.DB, key string, n int) {
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		env := events.Envelope{ID: fmt.Sprintf("%s-%d", key, i), Type: fmt.Sprintf("n%d", i), OrderID: key, Payload: []byte(`{}`)}
		if err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error { return outbox.Add(ctx, tx, prop, events.TopicOrders, env) }); err != nil {
			t.Errorf("write %s: %v", env.ID, err)
			return
		}
	}
}

// relayUntilDone flushes until the writers are done and nothing is pending.
func relayUntilDone(t *testing.T, ctx context.Context, r *outbox.Relay, db *sql.DB, written <-chan struct{}) {
	for {
		n, err := r.Flush(ctx)
		if errors.Is(err, outbox.ErrBusy) {
			continue // the other relay's turn
		}
		if err != nil {
			t.Errorf("flush: %v", err)
			return
		}
		if n > 0 {
			continue
		}
		select {
		case <-written:
			if left, err := outbox.Pending(ctx, db); err != nil || left == 0 {
				return
			}
		default:
		}
	}
}
