package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/orderflow/platform/sqlitedb/sqlitedbtest"
)

// testdata/before-goose.db was written by inventory-svc before its schema moved to
// goose (positional migrations in schema_migrations), in events mode, so it
// holds rows in every table. It opens under the current code with every row
// intact.
func TestDatabaseFromBeforeGooseUpgradesInPlace(t *testing.T) {
	open := func(ctx context.Context, path string) (*sql.DB, error) {
		s, err := Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return s.DB, nil
	}
	sqlitedbtest.CheckUpgrade(t, "testdata/before-goose.db", []string{"stock", "reservations", "stock_movements", "outbox", "processed_events"}, open, Schemas...)
}
