// Package store keeps order-svc's orders in its own SQLite database, next to
// the outbox and the processed-events inbox that share its transactions.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/order-svc/internal/order"
)

// ErrNotFound is returned for an unknown order id.
var ErrNotFound = errors.New("order not found")

// Schemas are this database's parts, each with its own migration history:
// the outbox and the inbox (platform's), then the service's own tables
// (migrations/*.sql, named and numbered; append, never insert).
var Schemas = []sqlitedb.Schema{
	outbox.Schema,
	inbox.Schema,
	{Name: topology.OrderSvc, FS: sqlitedb.MustSub(migrationFiles, "migrations"),
		Postgres: sqlitedb.MustSub(migrationFiles, "migrations/postgres")},
}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Store is the orders table: a writer and a read pool (database.Pair: SQLite or
// PostgreSQL).
type Store struct{ database.Pair }

// Open opens (and migrates) the database at path.
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

const ts = time.RFC3339Nano

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(ts)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(ts, s)
}

// Insert stores a new order.
func Insert(ctx context.Context, tx *sql.Tx, o order.Order) error {
	items, err := json.Marshal(o.Items)
	if err != nil {
		return fmt.Errorf("encode items: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders(id, customer_id, items, status, reason, invoice_id, total_cents, trace_id, placed_at, reserved_at, rejected_at, invoiced_at, confirmed_at, failed_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.CustomerID, string(items), o.Status, o.Reason, o.InvoiceID, o.TotalCents, o.TraceID,
		fmtTime(o.PlacedAt), fmtTime(o.ReservedAt), fmtTime(o.RejectedAt), fmtTime(o.InvoicedAt), fmtTime(o.ConfirmedAt), fmtTime(o.FailedAt), fmtTime(o.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert order %s: %w", o.ID, err)
	}
	return putSaga(ctx, tx, o)
}

// Update writes the mutable fields of o.
func Update(ctx context.Context, tx *sql.Tx, o order.Order) error {
	res, err := tx.ExecContext(ctx, `UPDATE orders SET status=?, reason=?, invoice_id=?, total_cents=?, reserved_at=?, rejected_at=?, invoiced_at=?, confirmed_at=?, failed_at=?, updated_at=? WHERE id=?`,
		o.Status, o.Reason, o.InvoiceID, o.TotalCents, fmtTime(o.ReservedAt), fmtTime(o.RejectedAt), fmtTime(o.InvoicedAt), fmtTime(o.ConfirmedAt), fmtTime(o.FailedAt), fmtTime(o.UpdatedAt), o.ID)
	if err != nil {
		return fmt.Errorf("update order %s: %w", o.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update order %s: %w", o.ID, ErrNotFound)
	}
	return putSaga(ctx, tx, o)
}

// putSaga writes the saga's part of o (order_saga), when it has one.
func putSaga(ctx context.Context, tx *sql.Tx, o order.Order) error {
	if o.ReservationID == "" && o.TraceParent == "" && o.DeclinedAt.IsZero() && o.ReleasedAt.IsZero() && o.VoidedAt.IsZero() && o.CancelledAt.IsZero() {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO order_saga(order_id, reservation_id, declined_at, released_at, voided_at, cancelled_at, trace_parent) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(order_id) DO UPDATE SET reservation_id=excluded.reservation_id, declined_at=excluded.declined_at, released_at=excluded.released_at,
			voided_at=excluded.voided_at, cancelled_at=excluded.cancelled_at, trace_parent=excluded.trace_parent`,
		o.ID, o.ReservationID, fmtTime(o.DeclinedAt), fmtTime(o.ReleasedAt), fmtTime(o.VoidedAt), fmtTime(o.CancelledAt), o.TraceParent)
	if err != nil {
		return fmt.Errorf("write the saga steps of order %s: %w", o.ID, err)
	}
	return nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// columns and fromOrders read an order with its saga steps (none: empty).
const columns = `o.id, o.customer_id, o.items, o.status, o.reason, o.invoice_id, o.total_cents, o.trace_id, o.placed_at, o.reserved_at, o.rejected_at,
	o.invoiced_at, o.confirmed_at, o.failed_at, o.updated_at, COALESCE(s.reservation_id, ''), COALESCE(s.declined_at, ''), COALESCE(s.released_at, ''),
	COALESCE(s.voided_at, ''), COALESCE(s.cancelled_at, ''), COALESCE(s.trace_parent, '')`

const fromOrders = ` FROM orders o LEFT JOIN order_saga s ON s.order_id = o.id`

// GetTx reads one order inside a transaction.
func GetTx(ctx context.Context, tx *sql.Tx, id string) (order.Order, error) {
	return getOne(ctx, tx, id)
}

// Get reads one order.
func (s *Store) Get(ctx context.Context, id string) (order.Order, error) {
	return getOne(ctx, s.Read, id)
}

func getOne(ctx context.Context, q queryer, id string) (order.Order, error) {
	list, err := query(ctx, q, `SELECT `+columns+fromOrders+` WHERE o.id = ?`, id)
	if err != nil {
		return order.Order{}, err
	}
	if len(list) == 0 {
		return order.Order{}, fmt.Errorf("order %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// List returns the newest orders first.
func (s *Store) List(ctx context.Context, limit int) ([]order.Order, error) {
	return query(ctx, s.Read, `SELECT `+columns+fromOrders+` ORDER BY o.placed_at DESC, o.id DESC LIMIT ?`, limit)
}

func query(ctx context.Context, q queryer, sqlText string, args ...any) ([]order.Order, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("query orders: %w", err)
	}
	defer rows.Close()
	var out []order.Order
	for rows.Next() {
		var o order.Order
		var items, status string
		var t [11]string
		if err := rows.Scan(&o.ID, &o.CustomerID, &items, &status, &o.Reason, &o.InvoiceID, &o.TotalCents, &o.TraceID,
			&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &o.ReservationID, &t[7], &t[8], &t[9], &t[10], &o.TraceParent); err != nil {
			return nil, fmt.Errorf("scan order: %w", err)
		}
		o.Status = order.Status(status)
		if err := json.Unmarshal([]byte(items), &o.Items); err != nil {
			return nil, fmt.Errorf("decode items of %s: %w", o.ID, err)
		}
		dst := []*time.Time{&o.PlacedAt, &o.ReservedAt, &o.RejectedAt, &o.InvoicedAt, &o.ConfirmedAt, &o.FailedAt, &o.UpdatedAt,
			&o.DeclinedAt, &o.ReleasedAt, &o.VoidedAt, &o.CancelledAt}
		for i, s := range t {
			v, err := parseTime(s)
			if err != nil {
				return nil, fmt.Errorf("decode time of %s: %w", o.ID, err)
			}
			*dst[i] = v
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Counts returns how many orders are in each status (for /metrics).
func (s *Store) Counts(ctx context.Context) (map[order.Status]int, error) {
	rows, err := s.Read.QueryContext(ctx, `SELECT status, COUNT(*) FROM orders GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count orders: %w", err)
	}
	defer rows.Close()
	out := map[order.Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[order.Status(st)] = n
	}
	return out, rows.Err()
}
