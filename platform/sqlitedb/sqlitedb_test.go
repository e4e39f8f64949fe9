package sqlitedb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

// TestReaderBesideWriter: while the writer's transaction is open (a consumer
// in the middle of a batch), the read pool answers with the last commit
// instead of queueing behind it, and it refuses writes.
func TestReaderBesideWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "svc.db")
	db, err := sqlitedb.Open(ctx, path, sqlitedbtest.Schema("test", `CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL)`))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read, err := sqlitedb.OpenReader(ctx, path, sqlitedb.Readers)
	if err != nil {
		t.Fatal(err)
	}
	defer read.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO orders VALUES ('o-1', 'PENDING')`); err != nil {
		t.Fatal(err)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'RESERVED' WHERE id = 'o-1'`); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		run  func(ctx context.Context) (string, error)
		want string
	}{
		{"a read sees the last commit, not the open transaction", func(ctx context.Context) (string, error) {
			var s string
			err := read.QueryRowContext(ctx, `SELECT status FROM orders WHERE id = 'o-1'`).Scan(&s)
			return s, err
		}, "PENDING"},
		{"reads run side by side", func(ctx context.Context) (string, error) {
			conns := make([]*sql.Conn, sqlitedb.Readers)
			for i := range conns {
				c, err := read.Conn(ctx)
				if err != nil {
					return "", err
				}
				defer c.Close()
				conns[i] = c
			}
			var n string
			err := conns[len(conns)-1].QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n)
			return n, err
		}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The writer's transaction stays open for the whole test: a read
			// queued behind it would run into this deadline.
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			got, err := tt.run(ctx)
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}

	_, err = read.ExecContext(ctx, `INSERT INTO orders VALUES ('o-2', 'PENDING')`)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "readonly") {
		t.Fatalf("a write through the read pool = %v, want a read-only error", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := read.QueryRowContext(ctx, `SELECT status FROM orders WHERE id = 'o-1'`).Scan(&s); err != nil || s != "RESERVED" {
		t.Fatalf("after the commit the read pool sees %q, %v; want RESERVED", s, err)
	}
}
