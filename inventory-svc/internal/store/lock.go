package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orderflow/platform/database"
)

// LockStock makes tx, on PostgreSQL, the only writer of the stock table until
// it ends; on SQLite (one writer already) it does nothing. Every order
// reserves from a handful of SKUs, so concurrent writers update the same
// rows: under SERIALIZABLE the later one fails ("could not serialize"), or
// two that lock their rows in different orders deadlock, found only after
// deadlock_timeout (1 s), and either runs again. Queued on this lock they
// wait instead. It must be tx's first statement: LOCK takes no snapshot, so
// the reads after it see the commits of the writers it waited for.
// SHARE ROW EXCLUSIVE conflicts with itself and with every row write of the
// table, not with plain reads: GET /stock and the ledger never wait.
func (s *Store) LockStock(ctx context.Context, tx *sql.Tx) error {
	if s.Dialect != database.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE stock IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock the stock table: %w", err)
	}
	return nil
}

// WriteStock runs fn in one transaction that holds LockStock: the
// transactions that change stock (reserve, release, movements) queue for it.
func (s *Store) WriteStock(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.LockStock(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	})
}
