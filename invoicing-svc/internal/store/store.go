// Package store keeps invoicing-svc's invoices in its own SQLite database,
// with the outbox and processed-events inbox in the same transactions.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/events"
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
	{Name: topology.InvoicingSvc, FS: sqlitedb.MustSub(migrationFiles, "migrations")},
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is invoicing-svc's database: a writer and a read pool (sqlitedb.Pair).
type Store struct{ sqlitedb.Pair }

// Open opens and migrates the database.
func Open(ctx context.Context, path string) (*Store, error) {
	p, err := sqlitedb.OpenPair(ctx, path, Schemas...)
	if err != nil {
		return nil, err
	}
	return &Store{Pair: p}, nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const ts = time.RFC3339Nano

// Issue issues the order's invoice in tx; idempotent per order (created=false
// returns the invoice issued before).
func Issue(ctx context.Context, tx *sql.Tx, orderID, customerID string, items []events.Line, now time.Time) (inv invoice.Invoice, created bool, err error) {
	list, err := query(ctx, tx, `WHERE order_id = ?`, orderID)
	if err != nil {
		return inv, false, err
	}
	if len(list) > 0 {
		return list[0], false, nil
	}
	inv, err = invoice.Compute(uuid.NewString(), orderID, customerID, items, now)
	if err != nil {
		return inv, false, err
	}
	lines, _ := json.Marshal(inv.Lines)
	if _, err := tx.ExecContext(ctx, `INSERT INTO invoices(id, order_id, customer_id, lines, total_cents, currency, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.OrderID, inv.CustomerID, string(lines), inv.TotalCents, inv.Currency, inv.IssuedAt.Format(ts)); err != nil {
		return inv, false, fmt.Errorf("insert invoice for %s: %w", orderID, err)
	}
	return inv, true, nil
}

// ByOrder returns the invoices of an order (zero or one).
func (s *Store) ByOrder(ctx context.Context, orderID string) ([]invoice.Invoice, error) {
	return query(ctx, s.Read, `WHERE order_id = ?`, orderID)
}

// Get returns one invoice.
func (s *Store) Get(ctx context.Context, id string) (invoice.Invoice, error) {
	list, err := query(ctx, s.Read, `WHERE id = ?`, id)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if len(list) == 0 {
		return invoice.Invoice{}, fmt.Errorf("invoice %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// Recent returns the newest invoices.
func (s *Store) Recent(ctx context.Context, limit int) ([]invoice.Invoice, error) {
	return query(ctx, s.Read, `ORDER BY issued_at DESC, id DESC LIMIT ?`, limit)
}

// Totals is the count and sum of all invoices.
func (s *Store) Totals(ctx context.Context) (count int, totalCents int64, err error) {
	err = s.Read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(total_cents), 0) FROM invoices`).Scan(&count, &totalCents)
	return count, totalCents, err
}

func query(ctx context.Context, q queryer, where string, args ...any) ([]invoice.Invoice, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, order_id, customer_id, lines, total_cents, currency, issued_at FROM invoices `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read invoices: %w", err)
	}
	defer rows.Close()
	var out []invoice.Invoice
	for rows.Next() {
		var inv invoice.Invoice
		var lines, issued string
		if err := rows.Scan(&inv.ID, &inv.OrderID, &inv.CustomerID, &lines, &inv.TotalCents, &inv.Currency, &issued); err != nil {
			return nil, fmt.Errorf("scan invoice: %w", err)
		}
		if err := json.Unmarshal([]byte(lines), &inv.Lines); err != nil {
			return nil, fmt.Errorf("decode invoice lines: %w", err)
		}
		inv.IssuedAt, _ = time.Parse(ts, issued)
		out = append(out, inv)
	}
	return out, rows.Err()
}
