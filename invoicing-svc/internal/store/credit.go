package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// CreditOf reads a customer's credit: its own limit (or defaultLimit when it
// has none) and the sum of its ISSUED invoices. In a transaction (q = tx) the
// answer holds until the commit: the writer is the database's only one.
func CreditOf(ctx context.Context, q queryer, customerID string, defaultLimit int64) (invoice.Credit, error) {
	c := invoice.Credit{CustomerID: customerID, LimitCents: defaultLimit}
	err := q.QueryRowContext(ctx, `SELECT limit_cents FROM customers WHERE id = ?`, customerID).Scan(&c.LimitCents)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("read the credit limit of %s: %w", customerID, err)
	}
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(total_cents), 0) FROM invoices WHERE customer_id = ? AND status = ?`,
		customerID, string(invoice.Issued)).Scan(&c.ChargedCents)
	if err != nil {
		return c, fmt.Errorf("sum the charges of %s: %w", customerID, err)
	}
	return c, nil
}

// Credit reads a customer's credit from the read pool.
func (s *Store) Credit(ctx context.Context, customerID string, defaultLimit int64) (invoice.Credit, error) {
	return CreditOf(ctx, s.Read, customerID, defaultLimit)
}

// SetLimit gives a customer its own credit limit (idempotent: setting the
// same limit again changes nothing a reader can see) and returns the credit
// with it. Charges already issued stay; a limit under them leaves nothing
// remaining.
func (s *Store) SetLimit(ctx context.Context, customerID string, limitCents int64, now time.Time) (invoice.Credit, error) {
	if err := invoice.ValidateLimit(limitCents); err != nil {
		return invoice.Credit{}, err
	}
	var c invoice.Credit
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers(id, limit_cents, updated_at) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET limit_cents = excluded.limit_cents, updated_at = excluded.updated_at`,
			customerID, limitCents, stamp(now)); err != nil {
			return fmt.Errorf("set the credit limit of %s: %w", customerID, err)
		}
		var err error
		c, err = CreditOf(ctx, tx, customerID, limitCents)
		return err
	})
	return c, err
}
