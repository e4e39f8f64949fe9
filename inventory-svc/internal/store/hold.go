package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// hold reserves every line's quantity in tx, all or nothing: a line that
// cannot be served returns *stock.InsufficientError (the first such line, as
// stock.Check names it) with the lines before it given back, so a caller
// that goes on in tx (the consumer records the rejection and commits)
// holds nothing for the order. Each line is one conditional UPDATE that
// checks and reserves at once: one statement per line where reading the
// stock first took two, in the transaction that holds the stock lock.
func hold(ctx context.Context, tx *sql.Tx, lines []stock.Line) error {
	for i, l := range lines {
		var sku string
		err := tx.QueryRowContext(ctx, `UPDATE stock SET reserved = reserved + ?1
			WHERE sku = ?2 AND on_hand - reserved >= ?1 RETURNING sku`, l.Qty, l.SKU).Scan(&sku)
		if errors.Is(err, sql.ErrNoRows) {
			return errors.Join(shortage(ctx, tx, l), unhold(ctx, tx, lines[:i]))
		}
		if err != nil {
			return fmt.Errorf("reserve %s: %w", l.SKU, err)
		}
	}
	return nil
}

// shortage is the *stock.InsufficientError of a line hold refused, from the
// SKU's stock as tx sees it.
func shortage(ctx context.Context, tx *sql.Tx, l stock.Line) error {
	it, err := item(ctx, tx, l.SKU)
	if errors.Is(err, ErrNotFound) {
		return &stock.InsufficientError{SKU: l.SKU, Requested: l.Qty, Unknown: true}
	}
	if err != nil {
		return err
	}
	return &stock.InsufficientError{SKU: l.SKU, Requested: l.Qty, Available: it.Available()}
}

// unhold gives back what hold reserved for lines.
func unhold(ctx context.Context, tx *sql.Tx, lines []stock.Line) error {
	for _, l := range lines {
		if _, err := tx.ExecContext(ctx, `UPDATE stock SET reserved = reserved - ? WHERE sku = ?`, l.Qty, l.SKU); err != nil {
			return fmt.Errorf("give back %s: %w", l.SKU, err)
		}
	}
	return nil
}
