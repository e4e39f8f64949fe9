package inbox_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/sqlitedb"
)

// openInbox is a fresh inbox on d (platform/database/dbtest).
func openInbox(t *testing.T, d database.Dialect) *sql.DB {
	t.Helper()
	return dbtest.Open(t, d, inbox.Schema).DB
}

// processedAt stores an event id as processed at the given time.
func processedAt(t *testing.T, db *sql.DB, id string, at time.Time) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO processed_events(event_id, event_type, processed_at) VALUES (?, 'OrderPlaced', ?)`,
		id, at.UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
		t.Fatal(err)
	}
}

func ids(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT event_id FROM processed_events ORDER BY event_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func TestPruneForgetsOnlyOldEvents(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openInbox(t, d)
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
		processedAt(t, db, "a-old", now.Add(-9*24*time.Hour))
		processedAt(t, db, "b-edge", now.Add(-8*24*time.Hour).Add(time.Millisecond))
		processedAt(t, db, "c-new", now.Add(-time.Minute))
		n, err := inbox.Prune(context.Background(), db, now.Add(-inbox.DefaultRetention))
		if err != nil || n != 1 {
			t.Fatalf("Prune = %d, %v; want 1 row", n, err)
		}
		if got := ids(t, db); len(got) != 2 || got[0] != "b-edge" || got[1] != "c-new" {
			t.Fatalf("left %v, want [b-edge c-new]", got)
		}
		// A pruned id is claimable again: it is no longer known as processed.
		var claimed bool
		if err := sqlitedb.InTx(context.Background(), db, func(tx *sql.Tx) error {
			var err error
			claimed, err = inbox.Claim(context.Background(), tx, "a-old", "OrderPlaced")
			return err
		}); err != nil || !claimed {
			t.Fatalf("claim after prune = %v, %v", claimed, err)
		}
	})
}

// A row written by Claim (SQLite's own clock) is kept by a prune with the
// default retention.
func TestPruneKeepsFreshClaims(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openInbox(t, d)
		if err := sqlitedb.InTx(context.Background(), db, func(tx *sql.Tx) error {
			_, err := inbox.Claim(context.Background(), tx, "fresh", "OrderPlaced")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := inbox.Prune(context.Background(), db, time.Now().Add(-inbox.DefaultRetention)); err != nil || n != 0 {
			t.Fatalf("Prune = %d, %v; want nothing pruned", n, err)
		}
		if n, err := inbox.Prune(context.Background(), db, time.Now().Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("Prune of everything = %d, %v; want 1", n, err)
		}
	})
}

func TestPrunerRunsAtStartAndEveryInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := openInbox(t, database.SQLite) // the loop, not the store: SQLite in the bubble
		processedAt(t, db, "old-1", time.Now().Add(-10*24*time.Hour))
		p := inbox.NewPruner(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		synctest.Wait()
		if p.Pruned.Load() != 1 {
			t.Fatalf("after start: pruned %d, want 1", p.Pruned.Load())
		}
		// Processed now, old by the time eight days and an hour have passed.
		processedAt(t, db, "old-2", time.Now())
		time.Sleep(inbox.DefaultRetention + time.Hour)
		synctest.Wait()
		if p.Pruned.Load() != 2 || len(ids(t, db)) != 0 {
			t.Fatalf("after 8 days: pruned %d, left %v; want 2 and none", p.Pruned.Load(), ids(t, db))
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
	})
}
