package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orderflow/platform/database"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// recordOpening remembers sku's opening balance once: what on_hand minus its
// movements is when the SKU is first seen (the seed, for a new database).
func recordOpening(ctx context.Context, tx *sql.Tx, sku string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO stock_openings(sku, on_hand)
		SELECT s.sku, s.on_hand - COALESCE((SELECT SUM(m.delta) FROM stock_movements m WHERE m.sku = s.sku), 0)
		FROM stock s WHERE s.sku = ? ON CONFLICT(sku) DO NOTHING`, sku); err != nil {
		return fmt.Errorf("record the opening balance of %s: %w", sku, err)
	}
	return nil
}

// Ledger reads every SKU's stock beside its opening balance, the sum of its
// movements and of its held reservations, in one statement (one snapshot).
func (s *Store) Ledger(ctx context.Context) ([]stock.LedgerLine, error) {
	rows, err := s.Read.QueryContext(ctx, ledgerSQL[s.Dialect], stock.StatusReserved)
	if err != nil {
		return nil, fmt.Errorf("read the stock ledger: %w", err)
	}
	defer rows.Close()
	var out []stock.LedgerLine
	for rows.Next() {
		var l stock.LedgerLine
		if err := rows.Scan(&l.SKU, &l.OnHand, &l.Reserved, &l.Opening, &l.Movements, &l.Held); err != nil {
			return nil, fmt.Errorf("scan the stock ledger: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ReservationFilter selects a page of reservations: by order and status
// when set, ids after After, at most Limit.
type ReservationFilter struct {
	OrderID string
	Status  string
	After   string
	Limit   int
}

// Reservations returns a page of reservations ordered by id (a stable order
// to page through while rows are added).
func (s *Store) Reservations(ctx context.Context, f ReservationFilter) ([]stock.Reservation, error) {
	q := selectReservations + ` WHERE r.id > ?`
	args := []any{f.After}
	if f.OrderID != "" {
		q += ` AND r.order_id = ?`
		args = append(args, f.OrderID)
	}
	if f.Status != "" {
		q += ` AND r.status = ?`
		args = append(args, f.Status)
	}
	rows, err := s.Read.QueryContext(ctx, q+` ORDER BY r.id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list reservations: %w", err)
	}
	defer rows.Close()
	out := []stock.Reservation{}
	for rows.Next() {
		r, err := scanReservation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ledgerSQL is Ledger's statement per dialect: the held quantities come from
// the reservations' JSON lines (SQLite's json_each, PostgreSQL's
// jsonb_array_elements), and PostgreSQL's SUM of BIGINT is NUMERIC, cast back.
var ledgerSQL = map[database.Dialect]string{
	database.SQLite: `
		WITH held AS (
			SELECT json_extract(j.value, '$.sku') AS sku, SUM(json_extract(j.value, '$.qty')) AS qty
			FROM reservations r, json_each(r.lines) j WHERE r.status = ? GROUP BY 1),
		moved AS (SELECT sku, SUM(delta) AS delta FROM stock_movements GROUP BY sku)
		SELECT s.sku, s.on_hand, s.reserved, COALESCE(o.on_hand, 0), COALESCE(m.delta, 0), COALESCE(h.qty, 0)
		FROM stock s LEFT JOIN stock_openings o ON o.sku = s.sku LEFT JOIN moved m ON m.sku = s.sku
		LEFT JOIN held h ON h.sku = s.sku ORDER BY s.sku`,
	database.Postgres: `
		WITH held AS (
			SELECT j->>'sku' AS sku, SUM((j->>'qty')::bigint)::bigint AS qty
			FROM reservations r, jsonb_array_elements(r.lines::jsonb) j WHERE r.status = ? GROUP BY 1),
		moved AS (SELECT sku, SUM(delta)::bigint AS delta FROM stock_movements GROUP BY sku)
		SELECT s.sku, s.on_hand, s.reserved, COALESCE(o.on_hand, 0), COALESCE(m.delta, 0), COALESCE(h.qty, 0)
		FROM stock s LEFT JOIN stock_openings o ON o.sku = s.sku LEFT JOIN moved m ON m.sku = s.sku
		LEFT JOIN held h ON h.sku = s.sku ORDER BY s.sku`,
}
