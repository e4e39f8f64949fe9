package database_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/sqlitedb"
)

func TestHistoryDiff(t *testing.T) {
	f := &fstest.MapFile{Data: []byte("-- +goose Up\nSELECT 1;\n")}
	same := sqlitedb.Schema{Name: "s", FS: fstest.MapFS{"00001_a.sql": f, "00002_b.sql": f},
		Postgres: fstest.MapFS{"00001_a.sql": f, "00002_b.sql": f}}
	if d, err := database.HistoryDiff(same); err != nil || len(d) != 0 {
		t.Fatalf("the same histories differ: %v, %v", d, err)
	}
	skewed := sqlitedb.Schema{Name: "s", FS: fstest.MapFS{"00001_a.sql": f, "00002_b.sql": f},
		Postgres: fstest.MapFS{"00001_a.sql": f, "00002_c.sql": f}}
	d, err := database.HistoryDiff(skewed)
	want := []string{"00002_b.sql is in SQLite's history only", "00002_c.sql is in PostgreSQL's history only"}
	if err != nil || !slices.Equal(d, want) {
		t.Fatalf("HistoryDiff = %q, %v; want %q", d, err, want)
	}
	if d, _ := database.HistoryDiff(sqlitedb.Schema{Name: "s", FS: same.FS}); len(d) != 1 {
		t.Fatalf("a schema without PostgreSQL history: %q, want one difference", d)
	}
}
