package sqlitedb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orderflow/platform/sqlitedb"
)

func sqlFile(stmt string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("-- +goose Up\n" + stmt + ";\n")}
}

// The history is versioned: a migration inserted below the newest applied
// one is refused with an error naming it, instead of never running (what the
// positional list before goose did silently).
func TestMigrationInsertedInTheMiddleIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	v1 := fstest.MapFS{
		"00001_a.sql": sqlFile("CREATE TABLE a (id INTEGER)"),
		"00003_c.sql": sqlFile("CREATE TABLE c (id INTEGER)"),
	}
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Schema{Name: "svc", FS: v1})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	v2 := fstest.MapFS{
		"00001_a.sql": v1["00001_a.sql"],
		"00002_b.sql": sqlFile("CREATE TABLE b (id INTEGER)"),
		"00003_c.sql": v1["00003_c.sql"],
	}
	_, err = sqlitedb.Open(ctx, path, sqlitedb.Schema{Name: "svc", FS: v2})
	t.Logf("refused: %v", err)
	if err == nil || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("Open with a migration inserted before the newest applied one = %v, want an error naming version 2", err)
	}
	// Appended at the end, it runs.
	v3 := fstest.MapFS{
		"00001_a.sql": v1["00001_a.sql"],
		"00003_c.sql": v1["00003_c.sql"],
		"00004_d.sql": sqlFile("CREATE TABLE d (id INTEGER)"),
	}
	db, err = sqlitedb.Open(ctx, path, sqlitedb.Schema{Name: "svc", FS: v3})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO d(id) VALUES (1)`); err != nil {
		t.Fatalf("the appended migration did not run: %v", err)
	}
	vs, err := sqlitedb.Versions(ctx, db, sqlitedb.Schema{Name: "svc", FS: v3})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Version != 4 || vs[0].Known != 4 || len(vs[0].History) != 3 || vs[0].History[2].Version != 4 || vs[0].History[2].AppliedAt.IsZero() {
		t.Errorf("Versions = %+v, want version 4 of 4 with 3 applied migrations", vs)
	}
}

// Schemas of different owners keep separate histories in one database.
func TestSchemasKeepTheirOwnHistory(t *testing.T) {
	ctx := context.Background()
	a := sqlitedb.Schema{Name: "order-svc", FS: fstest.MapFS{"00001_a.sql": sqlFile("CREATE TABLE a (id INTEGER)"), "00002_a2.sql": sqlFile("CREATE INDEX a_id ON a(id)")}}
	b := sqlitedb.Schema{Name: "outbox", FS: fstest.MapFS{"00001_b.sql": sqlFile("CREATE TABLE b (id INTEGER)")}}
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "x.db"), a, b)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, err := sqlitedb.Versions(ctx, db, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if vs[0].Version != 2 || vs[1].Version != 1 || a.HistoryTable() != "schema_history_order_svc" {
		t.Errorf("Versions = %+v (tables %s, %s)", vs, a.HistoryTable(), b.HistoryTable())
	}
}
