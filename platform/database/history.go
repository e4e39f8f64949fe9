package database

import (
	"fmt"
	"io/fs"
	"slices"

	"github.com/orderflow/platform/sqlitedb"
)

// HistoryDiff lists how s's PostgreSQL history differs from its SQLite one:
// each migration file (NNNNN_what.sql) must be in both, so a schema is at the
// same version, with the same steps, on either store.
func HistoryDiff(s sqlitedb.Schema) ([]string, error) {
	if s.Postgres == nil {
		return []string{"no PostgreSQL history"}, nil
	}
	lite, err := fs.Glob(s.FS, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", s.Name, err)
	}
	pg, err := fs.Glob(s.Postgres, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", s.Name, err)
	}
	var diff []string
	for _, f := range lite {
		if !slices.Contains(pg, f) {
			diff = append(diff, f+" is in SQLite's history only")
		}
	}
	for _, f := range pg {
		if !slices.Contains(lite, f) {
			diff = append(diff, f+" is in PostgreSQL's history only")
		}
	}
	return diff, nil
}
