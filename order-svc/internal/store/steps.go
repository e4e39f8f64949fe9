package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/order-svc/internal/order"
)

// SagaStep is the step of orderID's orchestrated saga; order.StepNone when
// it has none (an order order-svc never had, or one placed in choreography).
func SagaStep(ctx context.Context, tx *sql.Tx, orderID string) (order.SagaStep, error) {
	var s string
	err := tx.QueryRowContext(ctx, `SELECT step FROM saga_steps WHERE order_id = ?`, orderID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return order.StepNone, nil
	}
	if err != nil {
		return order.StepNone, fmt.Errorf("saga step of %s: %w", orderID, err)
	}
	return order.SagaStep(s), nil
}

// PutSagaStep records orderID's saga at step.
func PutSagaStep(ctx context.Context, tx *sql.Tx, orderID string, step order.SagaStep, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO saga_steps(order_id, step, updated_at) VALUES (?, ?, ?)
		ON CONFLICT(order_id) DO UPDATE SET step = excluded.step, updated_at = excluded.updated_at`, orderID, string(step), fmtTime(at))
	if err != nil {
		return fmt.Errorf("saga step of %s: %w", orderID, err)
	}
	return nil
}

// SagaStepOf is SagaStep outside a transaction (tests, the admin's view).
func (s *Store) SagaStepOf(ctx context.Context, orderID string) (order.SagaStep, error) {
	var step order.SagaStep
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		step, err = SagaStep(ctx, tx, orderID)
		return err
	})
	return step, err
}
