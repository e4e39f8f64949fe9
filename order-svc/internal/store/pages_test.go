package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// The same orders, inserted alike (one and several per transaction) into
// each store, page alike at every page size: the same ids on the same pages,
// with the same "more" flags.
func TestPagesIdenticallyOnBothStores(t *testing.T) {
	pages := map[database.Dialect][]string{}
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		st := openStore(t, d)
		for i, batch := range [][]int{{7}, {3, 12, 1}, {9}, {4, 5}, {11, 2, 8, 6, 10}} {
			var os []order.Order
			for _, n := range batch {
				os = append(os, newOrder(n, t0.Add(time.Duration(i-n)*time.Second)))
			}
			insert(t, st, os...)
		}
		for _, limit := range []int{1, 2, 5, 12, 50} {
			pages[d] = append(pages[d], pageAll(t, st, "", limit)...)
		}
	})
	if len(pages) < 2 {
		t.Skip("PostgreSQL not run: nothing to compare SQLite's pages with")
	}
	if !reflect.DeepEqual(pages[database.SQLite], pages[database.Postgres]) {
		t.Fatalf("pages differ:\nsqlite   %v\npostgres %v", pages[database.SQLite], pages[database.Postgres])
	}
}

// pageAll follows the pages from after to the end and returns each page as
// "limit=N ids… more".
func pageAll(t *testing.T, st *store.Store, after string, limit int) []string {
	t.Helper()
	var out []string
	for {
		list, more, err := st.Page(context.Background(), after, limit)
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("limit=%d", limit)
		for _, o := range list {
			page += " " + o.ID[:8]
			after = o.ID
		}
		out = append(out, fmt.Sprintf("%s more=%v", page, more))
		if !more {
			return out
		}
	}
}

// Two replicas place an order each; the one that began first commits last.
// A reader that paged in between and then follows its cursor still sees
// both: on PostgreSQL an order's number is taken when it can no longer
// commit behind a higher one (migrations/postgres/00005), as SQLite's one
// writer gives. (Without that, the later order commits as 2 while 1 is
// pending, the reader's cursor passes 2, and 1 is never seen.)
func TestPagingSeesAnOrderThatCommittedLate(t *testing.T) {
	ctx := context.Background()
	target := dbtest.Target(t, database.Postgres)
	first, second := openReplica(t, target), openReplica(t, target)
	tx, err := first.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := store.Insert(ctx, tx, newOrder(1, t0)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- second.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, newOrder(2, t0)) })
	}()
	waitCommittedOrQueued(t, second, done)
	seen := pageIDs(t, second, "")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after := ""
	if len(seen) > 0 {
		after = seen[len(seen)-1]
	}
	seen = append(seen, pageIDs(t, second, after)...)
	t.Logf("seen, paging while order 1 was pending and then following the cursor: %v", seen)
	if want := []string{newOrder(1, t0).ID, newOrder(2, t0).ID}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("the reader saw %v, want %v", seen, want)
	}
}

func openReplica(t *testing.T, target database.Target) *store.Store {
	t.Helper()
	st, err := store.OpenAt(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitCommittedOrQueued returns once the second insert committed (done) or
// waits for the first's lock (seen in pg_stat_activity); the first insert's
// transaction is open meanwhile.
func waitCommittedOrQueued(t *testing.T, st *store.Store, done chan error) {
	t.Helper()
	for {
		select {
		case err := <-done:
			done <- err
			return
		default:
		}
		var n int
		err := st.Read.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE 'INSERT INTO orders%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func pageIDs(t *testing.T, st *store.Store, after string) []string {
	t.Helper()
	var ids []string
	for {
		list, more, err := st.Page(context.Background(), after, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			ids = append(ids, o.ID)
			after = o.ID
		}
		if !more {
			return ids
		}
	}
}
