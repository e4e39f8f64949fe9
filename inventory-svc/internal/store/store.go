// Package store keeps inventory-svc's stock and reservations in its own SQLite
// database, with the outbox and processed-events inbox in the same transactions.
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

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// ErrNotFound is returned for an unknown SKU, reservation or movement.
var ErrNotFound = errors.New("not found")

// Schemas are this database's parts, each with its own migration history:
// the outbox and the inbox (platform's), then the service's own tables
// (migrations/*.sql, named and numbered; append, never insert).
var Schemas = []sqlitedb.Schema{
	outbox.Schema,
	inbox.Schema,
	{Name: topology.InventorySvc, FS: sqlitedb.MustSub(migrationFiles, "migrations"),
		Postgres: sqlitedb.MustSub(migrationFiles, "migrations/postgres")},
}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Store is inventory-svc's database: a writer and a read pool (database.Pair: SQLite or
// PostgreSQL).
type Store struct{ database.Pair }

// Open opens, migrates and (if empty) seeds the database.
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
	err = s.WriteStock(ctx, func(tx *sql.Tx) error {
		for _, it := range stock.Seed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO stock(sku, name, on_hand) VALUES (?, ?, ?) ON CONFLICT(sku) DO NOTHING`, it.SKU, it.Name, it.OnHand); err != nil {
				return fmt.Errorf("seed %s: %w", it.SKU, err)
			}
			if err := recordOpening(ctx, tx, it.SKU); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.Close()
		return nil, err
	}
	return s, nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// Items returns stock rows; with no skus, all of them.
func Items(ctx context.Context, q queryer, skus ...string) (map[string]stock.Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT sku, name, on_hand, reserved FROM stock ORDER BY sku`)
	if err != nil {
		return nil, fmt.Errorf("read stock: %w", err)
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, s := range skus {
		want[s] = true
	}
	out := map[string]stock.Item{}
	for rows.Next() {
		var it stock.Item
		if err := rows.Scan(&it.SKU, &it.Name, &it.OnHand, &it.Reserved); err != nil {
			return nil, fmt.Errorf("scan stock: %w", err)
		}
		if len(want) == 0 || want[it.SKU] {
			out[it.SKU] = it
		}
	}
	return out, rows.Err()
}

// Items reads stock outside a transaction.
func (s *Store) Items(ctx context.Context, skus ...string) (map[string]stock.Item, error) {
	return Items(ctx, s.Read, skus...)
}

const ts = time.RFC3339Nano

// Reserve reserves lines for orderID in tx, all or nothing. It is idempotent
// per order: a second call returns the first reservation with created=false.
// A shortage returns *stock.InsufficientError and changes nothing.
func Reserve(ctx context.Context, tx *sql.Tx, orderID string, lines []stock.Line, now time.Time) (r stock.Reservation, created bool, err error) {
	if existing, err := reservationBy(ctx, tx, "order_id", orderID); err == nil {
		return existing, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return r, false, err
	}
	r, err = ReserveNew(ctx, tx, orderID, lines, now)
	return r, err == nil, err
}

// ReserveNew is Reserve for an order the caller found without a reservation
// in tx (the consumer's state table read it already): one read fewer per
// event in the transaction that holds the stock lock.
func ReserveNew(ctx context.Context, tx *sql.Tx, orderID string, lines []stock.Line, now time.Time) (r stock.Reservation, err error) {
	if err := hold(ctx, tx, lines); err != nil {
		return r, err
	}
	r = stock.Reservation{ID: uuid.NewString(), OrderID: orderID, Lines: lines, Status: stock.StatusReserved, CreatedAt: now.UTC()}
	b, _ := json.Marshal(lines)
	if _, err := tx.ExecContext(ctx, `INSERT INTO reservations(id, order_id, status, lines, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, orderID, r.Status, string(b), r.CreatedAt.Format(ts)); err != nil {
		return r, fmt.Errorf("insert reservation for %s: %w", orderID, err)
	}
	return r, nil
}

// Release gives a reservation's stock back (the sync compensation, no
// reason recorded); releasing twice is a no-op, and so is releasing a row
// that holds nothing (REJECTED, CANCELLED).
func Release(ctx context.Context, tx *sql.Tx, id string, now time.Time) (stock.Reservation, error) {
	r, err := reservationBy(ctx, tx, "id", id)
	if err != nil || r.Status != stock.StatusReserved {
		return r, err
	}
	return release(ctx, tx, r, stock.ReleaseCause{}, now)
}

// release moves a RESERVED r to RELEASED: reserved -= each line's qty and the
// status change in tx, so the stock and the row never disagree. A cause with
// a reason is recorded beside it.
func release(ctx context.Context, tx *sql.Tx, r stock.Reservation, cause stock.ReleaseCause, now time.Time) (stock.Reservation, error) {
	for _, l := range r.Lines {
		if _, err := tx.ExecContext(ctx, `UPDATE stock SET reserved = reserved - ? WHERE sku = ?`, l.Qty, l.SKU); err != nil {
			return r, fmt.Errorf("release %s: %w", l.SKU, err)
		}
	}
	r.Status, r.ReleasedAt = stock.StatusReleased, now.UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE reservations SET status = ?, released_at = ? WHERE id = ?`, r.Status, r.ReleasedAt.Format(ts), r.ID); err != nil {
		return r, fmt.Errorf("release reservation %s: %w", r.ID, err)
	}
	if cause.Reason != "" {
		r.Reason, r.Detail = cause.Reason, cause.Detail
		if err := recordOutcome(ctx, tx, r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Reservation reads one reservation by id.
func (s *Store) Reservation(ctx context.Context, id string) (stock.Reservation, error) {
	return reservationBy(ctx, s.Read, "id", id)
}

// ReservationCount counts reservations of an order (tests assert no duplicates).
func (s *Store) ReservationCount(ctx context.Context, orderID string) (int, error) {
	var n int
	err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations WHERE order_id = ?`, orderID).Scan(&n)
	return n, err
}

func reservationBy(ctx context.Context, q queryer, column, value string) (stock.Reservation, error) {
	var r stock.Reservation
	rows, err := q.QueryContext(ctx, selectReservations+` WHERE r.`+column+` = ?`, value)
	if err != nil {
		return r, fmt.Errorf("read reservation: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return r, err
		}
		return r, fmt.Errorf("reservation %s=%s: %w", column, value, ErrNotFound)
	}
	return scanReservation(rows)
}

// selectReservations reads reservations with their outcome, if any.
const selectReservations = `SELECT r.id, r.order_id, r.status, r.lines, r.created_at, r.released_at,
	COALESCE(o.reason, ''), COALESCE(o.detail, '')
	FROM reservations r LEFT JOIN reservation_outcomes o ON o.reservation_id = r.id`

func scanReservation(rows *sql.Rows) (stock.Reservation, error) {
	var r stock.Reservation
	var lines, created, released string
	if err := rows.Scan(&r.ID, &r.OrderID, &r.Status, &lines, &created, &released, &r.Reason, &r.Detail); err != nil {
		return r, fmt.Errorf("scan reservation: %w", err)
	}
	if err := json.Unmarshal([]byte(lines), &r.Lines); err != nil {
		return r, fmt.Errorf("decode reservation lines: %w", err)
	}
	r.CreatedAt, _ = time.Parse(ts, created)
	if released != "" {
		r.ReleasedAt, _ = time.Parse(ts, released)
	}
	return r, nil
}
