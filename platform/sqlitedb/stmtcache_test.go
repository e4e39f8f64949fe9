package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func openStmtTestDB(t *testing.T) *sql.DB {
	t.Helper()
	schema := Schema{Name: "t", FS: fstest.MapFS{"00001_t.sql": &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n")}}}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rawCache is the statement cache of db's one connection.
func rawCache(t *testing.T, db *sql.DB) *cachingConn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cc *cachingConn
	if err := conn.Raw(func(c any) error {
		var ok bool
		cc, ok = c.(*cachingConn)
		if !ok {
			return fmt.Errorf("connection is %T, not the caching one", c)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return cc
}

// A text with parameters is prepared once and its statement reused; a
// failed run (a constraint) leaves it usable; text without parameters is
// not kept.
func TestStatementPreparedOnceAndReused(t *testing.T) {
	ctx := context.Background()
	db := openStmtTestDB(t)
	const insert = `INSERT INTO t(id, v) VALUES (?, ?)`
	if _, err := db.ExecContext(ctx, insert, 1, "a"); err != nil {
		t.Fatal(err)
	}
	cc := rawCache(t, db)
	first, ok := cc.stmts[insert]
	if !ok {
		t.Fatalf("after one run the cache holds %d statements, not %q", len(cc.stmts), insert)
	}
	if _, err := db.ExecContext(ctx, insert, 1, "dup"); err == nil {
		t.Fatal("a duplicate primary key through the cached statement did not fail")
	}
	err := InTx(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, insert, 2, "b")
		return err
	})
	if err != nil {
		t.Fatalf("the cached statement after a failed run: %v", err)
	}
	if cc.stmts[insert] != first || first.inUse {
		t.Errorf("statement replaced (%p, was %p) or left in use (%v)", cc.stmts[insert], first, first.inUse)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM t WHERE id > 100`); err != nil {
		t.Fatal(err)
	}
	if _, ok := cc.stmts[`DELETE FROM t WHERE id > 100`]; ok {
		t.Error("a text without parameters was cached")
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t WHERE id <= ?`, 2).Scan(&n); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want 2 rows", n, err)
	}
}

// A query run again while its own rows are open gets a statement of its
// own: both read all their rows.
func TestStatementInUseIsNotShared(t *testing.T) {
	ctx := context.Background()
	db := openStmtTestDB(t)
	const sel = `SELECT id, v FROM t WHERE id >= ? ORDER BY id`
	err := InTx(ctx, db, func(tx *sql.Tx) error {
		for i := 1; i <= 3; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO t(id, v) VALUES (?, ?)`, i, fmt.Sprint("v", i)); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, sel, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		outer, inner := 0, 0
		for rows.Next() {
			var id int
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				return err
			}
			outer++
			in, err := tx.QueryContext(ctx, sel, id)
			if err != nil {
				return err
			}
			for in.Next() {
				inner++
			}
			if err := in.Close(); err != nil {
				return err
			}
		}
		if outer != 3 || inner != 3+2+1 {
			return fmt.Errorf("outer loop read %d rows, inner %d; want 3 and 6", outer, inner)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := rawCache(t, db).stmts[sel]; s == nil || s.inUse {
		t.Errorf("after the rows closed the statement is %+v, want cached and free", s)
	}
}

// The cache stops at stmtCacheSize; texts past it still run.
func TestStatementCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	db := openStmtTestDB(t)
	for i := range stmtCacheSize + 10 {
		q := fmt.Sprintf(`INSERT INTO t(id, v) VALUES (?, 'x%d')`, i)
		if _, err := db.ExecContext(ctx, q, i); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != stmtCacheSize+10 {
		t.Fatalf("count = %d, %v; want %d", n, err, stmtCacheSize+10)
	}
	if got := len(rawCache(t, db).stmts); got != stmtCacheSize {
		t.Errorf("cache holds %d statements, want %d", got, stmtCacheSize)
	}
}

// Closing the database finalises the cached statements of its connections,
// writer and readers.
func TestStatementsFinalisedOnClose(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	for range 20 {
		p, err := OpenPair(ctx, path, Schema{Name: "t", FS: fstest.MapFS{"00001_t.sql": &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n")}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DB.ExecContext(ctx, `INSERT OR REPLACE INTO t(id, v) VALUES (?, ?)`, 1, "a"); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := p.Read.QueryRowContext(ctx, `SELECT v FROM t WHERE id = ?`, 1).Scan(&v); err != nil {
			t.Fatal(err)
		}
		w, r := rawCache(t, p.DB), rawCache(t, p.Read)
		if len(w.stmts) == 0 || len(r.stmts) == 0 {
			t.Fatalf("nothing cached: writer %d, reader %d statements", len(w.stmts), len(r.stmts))
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if len(w.stmts) != 0 || len(r.stmts) != 0 {
			t.Fatalf("after Close the writer keeps %d statements, the reader %d", len(w.stmts), len(r.stmts))
		}
	}
}
