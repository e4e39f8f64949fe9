package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// Receive books a goods receipt of qty for sku in tx. With a reference it is
// idempotent: a repeat returns the first receipt with created=false and
// changes nothing. An unknown SKU returns ErrNotFound. item is the SKU's
// stock after the call.
func Receive(ctx context.Context, tx *sql.Tx, sku string, qty int, reference string, now time.Time) (m stock.Movement, item stock.Item, created bool, err error) {
	return move(ctx, tx, stock.Movement{SKU: sku, Kind: stock.KindReceipt, Delta: qty, Reference: reference, CreatedAt: now.UTC()})
}

// Adjust corrects sku's on_hand by delta in tx, idempotently per reference
// like Receive. A delta that would take on_hand below reserved returns
// *stock.RemovalError and changes nothing.
func Adjust(ctx context.Context, tx *sql.Tx, sku string, delta int, reason, reference string, now time.Time) (m stock.Movement, item stock.Item, created bool, err error) {
	return move(ctx, tx, stock.Movement{SKU: sku, Kind: stock.KindAdjustment, Delta: delta, Reason: reason, Reference: reference, CreatedAt: now.UTC()})
}

func move(ctx context.Context, tx *sql.Tx, m stock.Movement) (stock.Movement, stock.Item, bool, error) {
	if m.Reference != "" {
		first, err := movementByReference(ctx, tx, m.SKU, m.Kind, m.Reference)
		if err == nil {
			it, err := item(ctx, tx, m.SKU)
			return first, it, false, err
		}
		if !errors.Is(err, ErrNotFound) {
			return m, stock.Item{}, false, err
		}
	}
	// One conditional UPDATE decides and applies: the check and the change
	// cannot be separated by another writer, whatever the pool or locking.
	// on_hand >= reserved also keeps on_hand >= 0, since reserved >= 0.
	it := stock.Item{SKU: m.SKU}
	err := tx.QueryRowContext(ctx, `UPDATE stock SET on_hand = on_hand + ?1
		WHERE sku = ?2 AND on_hand + ?1 >= reserved RETURNING name, on_hand, reserved`, m.Delta, m.SKU).
		Scan(&it.Name, &it.OnHand, &it.Reserved)
	if errors.Is(err, sql.ErrNoRows) {
		cur, err := item(ctx, tx, m.SKU)
		if err != nil {
			return m, cur, false, err
		}
		return m, cur, false, &stock.RemovalError{SKU: m.SKU, Delta: m.Delta, OnHand: cur.OnHand, Reserved: cur.Reserved}
	}
	if err != nil {
		return m, it, false, fmt.Errorf("%s %s: %w", m.Kind, m.SKU, err)
	}
	m.ID, m.OnHandAfter = uuid.NewString(), it.OnHand
	if _, err := tx.ExecContext(ctx, `INSERT INTO stock_movements(id, sku, kind, delta, reference, reason, on_hand_after, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.SKU, m.Kind, m.Delta, m.Reference, m.Reason, m.OnHandAfter, m.CreatedAt.Format(ts)); err != nil {
		return m, it, false, fmt.Errorf("record %s of %s: %w", m.Kind, m.SKU, err)
	}
	return m, it, true, nil
}

// item reads one SKU's stock; ErrNotFound if it is not in the catalogue.
func item(ctx context.Context, tx *sql.Tx, sku string) (stock.Item, error) {
	it := stock.Item{SKU: sku}
	err := tx.QueryRowContext(ctx, `SELECT name, on_hand, reserved FROM stock WHERE sku = ?`, sku).Scan(&it.Name, &it.OnHand, &it.Reserved)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("SKU %s: %w", sku, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("read stock of %s: %w", sku, err)
	}
	return it, nil
}

func movementByReference(ctx context.Context, q queryer, sku, kind, reference string) (stock.Movement, error) {
	ms, err := movements(ctx, q, `WHERE sku = ? AND kind = ? AND reference = ?`, sku, kind, reference)
	if err != nil {
		return stock.Movement{}, err
	}
	if len(ms) == 0 {
		return stock.Movement{}, fmt.Errorf("%s %q of %s: %w", kind, reference, sku, ErrNotFound)
	}
	return ms[0], nil
}

// Movements returns sku's movements, oldest first.
func (s *Store) Movements(ctx context.Context, sku string) ([]stock.Movement, error) {
	return movements(ctx, s.Read, `WHERE sku = ? ORDER BY created_at, rowid`, sku)
}

func movements(ctx context.Context, q queryer, where string, args ...any) ([]stock.Movement, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, sku, kind, delta, reference, reason, on_hand_after, created_at FROM stock_movements `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read stock movements: %w", err)
	}
	defer rows.Close()
	var out []stock.Movement
	for rows.Next() {
		var m stock.Movement
		var created string
		if err := rows.Scan(&m.ID, &m.SKU, &m.Kind, &m.Delta, &m.Reference, &m.Reason, &m.OnHandAfter, &created); err != nil {
			return nil, fmt.Errorf("scan stock movement: %w", err)
		}
		if m.CreatedAt, err = time.Parse(ts, created); err != nil {
			return nil, fmt.Errorf("stock movement %s: created_at %q: %w", m.ID, created, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
