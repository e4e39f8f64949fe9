package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// ErrUnknownCursor: the after= of a page names no invoice.
var ErrUnknownCursor = errors.New("no invoice with that id to page after")

// ByOrder returns the invoices of an order (zero or one).
func (s *Store) ByOrder(ctx context.Context, orderID string) ([]invoice.Invoice, error) {
	return query(ctx, s.Read, `WHERE order_id = ?`, orderID)
}

// Get returns one invoice.
func (s *Store) Get(ctx context.Context, id string) (invoice.Invoice, error) {
	return get(ctx, s.Read, id)
}

func get(ctx context.Context, q queryer, id string) (invoice.Invoice, error) {
	list, err := query(ctx, q, `WHERE id = ?`, id)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if len(list) == 0 {
		return invoice.Invoice{}, fmt.Errorf("invoice %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// Filter selects a page of invoices, newest first.
type Filter struct {
	OrderID string         // "" for every order
	Status  invoice.Status // "" for every status
	// After is the id of the last invoice of the previous page ("" for the
	// first page).
	After string
	Limit int
}

// List returns a page of invoices, newest first (issued_at, then id,
// descending), and the After of the next page ("" when this is the last).
func (s *Store) List(ctx context.Context, f Filter) (page []invoice.Invoice, next string, err error) {
	var where []string
	var args []any
	if f.OrderID != "" {
		where, args = append(where, "order_id = ?"), append(args, f.OrderID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.After != "" {
		var n int
		if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices WHERE id = ?`, f.After).Scan(&n); err != nil {
			return nil, "", fmt.Errorf("read the page cursor: %w", err)
		}
		if n == 0 {
			return nil, "", fmt.Errorf("after %s: %w", f.After, ErrUnknownCursor)
		}
		where = append(where, "(issued_at, id) < (SELECT issued_at, id FROM invoices WHERE id = ?)")
		args = append(args, f.After)
	}
	clause := ""
	if len(where) > 0 {
		clause = "WHERE " + strings.Join(where, " AND ") + " "
	}
	// One more than asked: whether a next page exists, without an empty last page.
	list, err := query(ctx, s.Read, clause+`ORDER BY issued_at DESC, id DESC LIMIT ?`, append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", err
	}
	if len(list) > f.Limit {
		list = list[:f.Limit]
		next = list[len(list)-1].ID
	}
	return list, next, nil
}

// Totals is the count and sum of the ISSUED invoices: what is charged
// (voided and declined ones are not).
func (s *Store) Totals(ctx context.Context) (count int, totalCents int64, err error) {
	err = s.Read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(total_cents), 0) FROM invoices WHERE status = ?`, string(invoice.Issued)).Scan(&count, &totalCents)
	return count, totalCents, err
}

func insert(ctx context.Context, tx *sql.Tx, inv invoice.Invoice) error {
	lines, err := json.Marshal(inv.Lines)
	if err != nil {
		return fmt.Errorf("encode invoice lines: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO invoices(id, order_id, customer_id, lines, total_cents, currency, issued_at, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.OrderID, inv.CustomerID, string(lines), inv.TotalCents, inv.Currency, stamp(inv.IssuedAt), string(inv.Status), inv.Reason); err != nil {
		return fmt.Errorf("insert invoice for %s: %w", inv.OrderID, err)
	}
	return nil
}

func query(ctx context.Context, q queryer, where string, args ...any) ([]invoice.Invoice, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, order_id, customer_id, lines, total_cents, currency, issued_at, status, reason, COALESCE(voided_at, '') FROM invoices `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read invoices: %w", err)
	}
	defer rows.Close()
	var out []invoice.Invoice
	for rows.Next() {
		var inv invoice.Invoice
		var lines, issued, status, voided string
		if err := rows.Scan(&inv.ID, &inv.OrderID, &inv.CustomerID, &lines, &inv.TotalCents, &inv.Currency, &issued, &status, &inv.Reason, &voided); err != nil {
			return nil, fmt.Errorf("scan invoice: %w", err)
		}
		if err := json.Unmarshal([]byte(lines), &inv.Lines); err != nil {
			return nil, fmt.Errorf("decode invoice lines: %w", err)
		}
		inv.IssuedAt, inv.Status = parseStamp(issued), invoice.Status(status)
		if voided != "" {
			inv.VoidedAt = parseStamp(voided)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// Cancelled reports whether the order was cancelled before it was charged
// (a tombstone is stored).
func (s *Store) Cancelled(ctx context.Context, orderID string) (bool, error) {
	var n int
	if err := s.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM cancellations WHERE order_id = ?`, orderID).Scan(&n); err != nil {
		return false, fmt.Errorf("read the cancellation of %s: %w", orderID, err)
	}
	return n > 0, nil
}
