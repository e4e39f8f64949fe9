// Package store keeps fraud-svc's verdicts in its own SQLite database, with
// the outbox and processed-events inbox in the same transactions.
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

	"github.com/orderflow/fraud-svc/internal/check"
)

// ErrNotFound is returned for an order never checked.
var ErrNotFound = errors.New("no check of this order")

// Schemas are this database's parts: the outbox and the inbox (platform's),
// then the service's own tables (migrations/*.sql; append, never insert).
var Schemas = []sqlitedb.Schema{
	outbox.Schema,
	inbox.Schema,
	{Name: topology.FraudSvc, FS: sqlitedb.MustSub(migrationFiles, "migrations"),
		Postgres: sqlitedb.MustSub(migrationFiles, "migrations/postgres")},
}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Store is fraud-svc's database: a writer and a read pool (database.Pair: SQLite or
// PostgreSQL).
type Store struct{ database.Pair }

// Open opens and migrates the database.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenAt(ctx, database.Target{Path: path})
}

// OpenAt is Open on t's database, SQLite or PostgreSQL (platform/database).
func OpenAt(ctx context.Context, t database.Target) (*Store, error) {
	p, err := database.OpenPair(ctx, t, Schemas...)
	if err != nil {
		return nil, err
	}
	return &Store{Pair: p}, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// tsLayout is fixed-width, so the text order of stored times is their order.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Record applies a judged check to the order's stored verdict (check.Decide)
// in tx: a first check is stored (created true), a repeat returns the stored
// one unchanged.
func Record(ctx context.Context, tx *sql.Tx, c check.Check) (check.Check, bool, error) {
	stored, err := get(ctx, tx, c.OrderID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return check.Check{}, false, err
	}
	action, err := check.Decide(stored.Verdict)
	if err != nil || action == check.Keep {
		return stored, false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO checks(order_id, customer_id, reservation_id, units, verdict, reason, checked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.OrderID, c.CustomerID, c.ReservationID, c.Units, string(c.Verdict), c.Reason,
		c.CheckedAt.UTC().Format(tsLayout))
	if err != nil {
		return check.Check{}, false, fmt.Errorf("store check of %s: %w", c.OrderID, err)
	}
	return c, true, nil
}

// Get returns the order's check.
func (s *Store) Get(ctx context.Context, orderID string) (check.Check, error) {
	return get(ctx, s.Read, orderID)
}

func get(ctx context.Context, q queryer, orderID string) (check.Check, error) {
	var c check.Check
	var verdict, at string
	err := q.QueryRowContext(ctx, `SELECT order_id, customer_id, reservation_id, units, verdict, reason, checked_at
		FROM checks WHERE order_id = ?`, orderID).Scan(&c.OrderID, &c.CustomerID, &c.ReservationID, &c.Units, &verdict, &c.Reason, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return check.Check{}, fmt.Errorf("order %s: %w", orderID, ErrNotFound)
	}
	if err != nil {
		return check.Check{}, fmt.Errorf("read check of %s: %w", orderID, err)
	}
	c.Verdict = check.Verdict(verdict)
	c.CheckedAt, _ = time.Parse(time.RFC3339Nano, at)
	return c, nil
}
