package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/order-svc/internal/order"
)

// ErrUnknownCursor is returned for a page cursor that names no order.
var ErrUnknownCursor = errors.New("no order with that id to page after")

// Page returns up to limit orders in the order they were placed (commit
// order: SQLite's rowid, and on PostgreSQL a rowid column numbered as the
// order commits, migrations/postgres/00005; stable, and a new order always
// comes last, on both stores and with any number of replicas), starting
// after the order afterID ("" for the first page), and whether more follow.
// A reader that pages to the end has seen every order placed before it
// started, however many are placed meanwhile.
func (s *Store) Page(ctx context.Context, afterID string, limit int) ([]order.Order, bool, error) {
	var after int64
	if afterID != "" {
		err := s.Read.QueryRowContext(ctx, `SELECT rowid FROM orders WHERE id = ?`, afterID).Scan(&after)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, fmt.Errorf("page after %s: %w", afterID, ErrUnknownCursor)
		}
		if err != nil {
			return nil, false, fmt.Errorf("page after %s: %w", afterID, err)
		}
	}
	list, err := query(ctx, s.Read, `SELECT `+columns+fromOrders+` WHERE o.rowid > ? ORDER BY o.rowid LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(list) > limit {
		return list[:limit], true, nil
	}
	return list, false, nil
}

// Overdue returns up to limit orders that are not final and were placed at
// or before cutoff, oldest first: the deadline sweeper's batch. julianday
// compares the stored RFC 3339 times as instants (as text they do not sort:
// the fraction's trailing zeros are trimmed), to the millisecond.
func (s *Store) Overdue(ctx context.Context, cutoff time.Time, limit int) ([]order.Order, error) {
	return query(ctx, s.Read, `SELECT `+columns+fromOrders+`
		WHERE o.status IN (?, ?) AND julianday(o.placed_at) <= julianday(?) ORDER BY o.rowid LIMIT ?`,
		order.Pending, order.Reserved, fmtTime(cutoff), limit)
}
