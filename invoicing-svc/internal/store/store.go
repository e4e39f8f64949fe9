// Package store keeps invoicing-svc's invoices, customers' credit limits and
// cancellation tombstones in its own SQLite database, with the outbox and
// processed-events inbox in the same transactions.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// ErrNotFound is returned for an unknown invoice.
var ErrNotFound = errors.New("invoice not found")

// Schemas are this database's parts, each with its own migration history:
// the outbox and the inbox (platform's), then the service's own tables
// (migrations/*.sql, named and numbered; append, never insert).
var Schemas = []sqlitedb.Schema{
	outbox.Schema,
	inbox.Schema,
	{Name: topology.InvoicingSvc, FS: sqlitedb.MustSub(migrationFiles, "migrations"),
		Postgres: sqlitedb.MustSub(migrationFiles, "migrations/postgres")},
}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Store is invoicing-svc's database: a writer and a read pool (database.Pair: SQLite or
// PostgreSQL).
type Store struct{ database.Pair }

// Open opens and migrates the database and seeds the lesson's customers
// (invoice.Seeded) where they have no limit yet: a limit set through the API
// survives a restart.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenAt(ctx, database.Target{Path: path})
}

// OpenAt is Open on t's database, SQLite or PostgreSQL (platform/database).
func OpenAt(ctx context.Context, t database.Target) (*Store, error) {
	p, err := database.OpenPair(ctx, t, Schemas...)
	if err != nil {
		return nil, err
	}
	s := &Store{Pair: p}
	err = s.InTx(ctx, func(tx *sql.Tx) error {
		for _, c := range invoice.Seeded {
			if _, err := tx.ExecContext(ctx, `INSERT INTO customers(id, limit_cents, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING`,
				c.CustomerID, c.LimitCents, stamp(time.Now())); err != nil {
				return fmt.Errorf("seed customer %s: %w", c.CustomerID, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = p.Close()
		return nil, err
	}
	return s, nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// tsLayout is fixed-width (RFC 3339 with nine fractional digits), so the
// text order of stored times is their time order; rows written before with
// time.RFC3339Nano still parse.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

func stamp(t time.Time) string { return t.UTC().Format(tsLayout) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
