package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// The events-mode rows of the reservation state table (stock.Decide): what
// each action writes. The listen handlers call these in the consumed event's
// transaction.

// OrderReservation reads the row of orderID in tx; ErrNotFound means the
// order is in state none.
func OrderReservation(ctx context.Context, tx *sql.Tx, orderID string) (stock.Reservation, error) {
	return reservationBy(ctx, tx, "order_id", orderID)
}

// ReleaseHeld gives a RESERVED r's stock back for cause, in tx. Any other
// status is an error: the caller decided on a RESERVED row.
func ReleaseHeld(ctx context.Context, tx *sql.Tx, r stock.Reservation, cause stock.ReleaseCause, now time.Time) (stock.Reservation, error) {
	if r.Status != stock.StatusReserved {
		return r, fmt.Errorf("release reservation %s: it is %s, not %s", r.ID, r.Status, stock.StatusReserved)
	}
	return release(ctx, tx, r, cause, now)
}

// Reject records orderID REJECTED with reason, holding nothing: a new row,
// or the order's CANCELLED tombstone turned REJECTED (an OrderPlaced after
// its cancellation). lines are the order's, kept for the ledger.
func Reject(ctx context.Context, tx *sql.Tx, orderID string, lines []stock.Line, reason string, now time.Time) (stock.Reservation, error) {
	r, err := OrderReservation(ctx, tx, orderID)
	switch {
	case errors.Is(err, ErrNotFound):
		r = stock.Reservation{ID: uuid.NewString(), OrderID: orderID, CreatedAt: now.UTC()}
		if err := insertRow(ctx, tx, r, stock.StatusRejected, lines); err != nil {
			return r, err
		}
	case err != nil:
		return r, err
	case r.Status != stock.StatusCancelled:
		return r, fmt.Errorf("reject order %s: its reservation is %s", orderID, r.Status)
	default:
		b, _ := json.Marshal(orEmpty(lines))
		if _, err := tx.ExecContext(ctx, `UPDATE reservations SET status = ?, lines = ? WHERE id = ?`, stock.StatusRejected, string(b), r.ID); err != nil {
			return r, fmt.Errorf("reject order %s: %w", orderID, err)
		}
	}
	r.Status, r.Lines, r.Reason, r.Detail = stock.StatusRejected, orEmpty(lines), reason, ""
	return r, recordOutcome(ctx, tx, r)
}

// Tombstone records orderID CANCELLED for reason before anything was
// reserved for it: the row a later OrderPlaced finds.
func Tombstone(ctx context.Context, tx *sql.Tx, orderID, reason string, now time.Time) (stock.Reservation, error) {
	r := stock.Reservation{ID: uuid.NewString(), OrderID: orderID, Lines: []stock.Line{}, CreatedAt: now.UTC(), Reason: reason}
	if err := insertRow(ctx, tx, r, stock.StatusCancelled, nil); err != nil {
		return r, err
	}
	r.Status = stock.StatusCancelled
	return r, recordOutcome(ctx, tx, r)
}

func insertRow(ctx context.Context, tx *sql.Tx, r stock.Reservation, status string, lines []stock.Line) error {
	b, _ := json.Marshal(orEmpty(lines))
	if _, err := tx.ExecContext(ctx, `INSERT INTO reservations(id, order_id, status, lines, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.OrderID, status, string(b), r.CreatedAt.Format(ts)); err != nil {
		return fmt.Errorf("record order %s %s: %w", r.OrderID, status, err)
	}
	return nil
}

// recordOutcome stores why r is in its status (one row per reservation).
func recordOutcome(ctx context.Context, tx *sql.Tx, r stock.Reservation) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO reservation_outcomes(reservation_id, reason, detail) VALUES (?, ?, ?)
		ON CONFLICT(reservation_id) DO UPDATE SET reason = excluded.reason, detail = excluded.detail`, r.ID, r.Reason, r.Detail); err != nil {
		return fmt.Errorf("record why reservation %s is %s: %w", r.ID, r.Status, err)
	}
	return nil
}

func orEmpty(lines []stock.Line) []stock.Line {
	if lines == nil {
		return []stock.Line{}
	}
	return lines
}
