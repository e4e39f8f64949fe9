// Package sqlitedbtest checks that a service's database written by an
// earlier version of the code opens under the current one with every row
// intact: the upgrade test each service's store runs on its testdata.
package sqlitedbtest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orderflow/platform/sqlitedb"
)

// CheckUpgrade copies fixture (a database file made by older code) to a
// temporary directory, reads every row of tables, opens it with open (the
// service's store, which migrates), and requires the same rows afterwards
// (in the columns the tables had: a migration may add columns), every schema
// at its newest version, and no positional history left. It
// returns the path of the upgraded copy.
func CheckUpgrade(t *testing.T, fixture string, tables []string, open func(ctx context.Context, path string) (*sql.DB, error), schemas ...sqlitedb.Schema) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), filepath.Base(fixture))
	copyFile(t, fixture, path)
	before, cols := dump(t, path, tables, nil)
	for table, rows := range before {
		if len(rows) == 0 {
			t.Fatalf("fixture %s has no rows in %s: it proves nothing about that table", fixture, table)
		}
	}
	db, err := open(ctx, path)
	if err != nil {
		t.Fatalf("open %s with the current code: %v", fixture, err)
	}
	versions, err := sqlitedb.Versions(ctx, db, schemas...)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if v.Version != v.Known || len(v.History) == 0 {
			t.Errorf("schema %s at version %d of %d after the upgrade", v.Schema, v.Version, v.Known)
		}
	}
	var legacy int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&legacy); err != nil || legacy != 0 {
		t.Errorf("the positional schema_migrations table is still there (%d, %v)", legacy, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := dump(t, path, tables, cols)
	for _, table := range tables {
		if !slices.Equal(before[table], after[table]) {
			t.Errorf("%s changed in the upgrade: %d rows before, %d after\nbefore: %v\nafter:  %v", table, len(before[table]), len(after[table]), before[table], after[table])
		}
	}
	// A second open is a no-op.
	db, err = open(ctx, path)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	db.Close()
	return path
}

// dump reads every row of each table as text, in rowid order: the columns
// named in only (per table), or every column; it returns the columns read.
func dump(t *testing.T, path string, tables []string, only map[string][]string) (map[string][]string, map[string][]string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, read := map[string][]string{}, map[string][]string{}
	for _, table := range tables {
		sel := "*"
		if c := only[table]; len(c) > 0 {
			sel = `"` + strings.Join(c, `", "`) + `"`
		}
		rows, err := db.Query(`SELECT ` + sel + ` FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		read[table] = cols
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = fmt.Sprintf("%v", v)
			}
			out[table] = append(out[table], strings.Join(parts, "|"))
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out, read
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// Schema is a schema of one migration made of stmts, for tests that need a
// table of their own beside platform's.
func Schema(name string, stmts ...string) sqlitedb.Schema {
	body := "-- +goose Up\n" + strings.Join(stmts, ";\n") + ";\n"
	return sqlitedb.Schema{Name: name, FS: fstest.MapFS{"00001_" + name + ".sql": {Data: []byte(body)}}}
}
