package placing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/store"
)

// compensationTimeout bounds a compensation's REST calls, which run on a
// context of their own: the request's may be the one that ended.
const compensationTimeout = 5 * time.Second

var _ cancel.Canceller = (*Sync)(nil)

// Cancel is the customer's cancellation in sync mode. Only an order whose
// placing request is still in flight can be cancelled (the request answers
// the final state). The order becomes CANCELLED at once, so the placing
// request notices it at its next step and undoes what it does from then on;
// Cancel undoes what was already recorded (the reservation) and answers the
// order as it then stands. Compensations are never pending afterwards.
func (s *Sync) Cancel(ctx context.Context, id string) (order.Order, bool, error) {
	wctx := context.WithoutCancel(ctx)
	var o order.Order
	var changed bool
	err := s.Store.InTx(wctx, func(tx *sql.Tx) error {
		var err error
		if o, err = store.GetTx(wctx, tx, id); err != nil {
			return err
		}
		if changed, err = o.Cancel(events.ReasonCustomer, s.Now()); err != nil || !changed {
			return err
		}
		return store.Update(wctx, tx, o)
	})
	if errors.Is(err, store.ErrNotFound) {
		return o, false, fmt.Errorf("order %s: %w", id, cancel.ErrNotFound)
	}
	if err != nil || !changed {
		return o, false, err
	}
	return s.compensate(ctx, o), false, nil
}

// compensate undoes what a cancelled order holds: releases its reservation
// and voids its invoice (both idempotent, so the placing request and Cancel
// may both try), records each as a step, and returns the order as stored. A
// compensation that fails is logged and left for the ledger check to see.
func (s *Sync) compensate(ctx context.Context, o order.Order) order.Order {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), compensationTimeout)
	defer cancel()
	if o.ReservationID != "" && o.ReleasedAt.IsZero() {
		if err := s.Inventory.Release(cctx, o.ReservationID); err != nil {
			s.Logger.ErrorContext(ctx, "compensation failed: the cancelled order's reservation stays held", "order_id", o.ID, "reservation_id", o.ReservationID, "err", err)
		} else {
			o = s.record(ctx, o, func(o *order.Order) error { return o.MarkReleased(o.Reason, "", s.Now()) })
		}
	}
	if o.InvoiceID != "" && o.VoidedAt.IsZero() {
		if err := s.Invoicing.Void(cctx, o.InvoiceID); err != nil {
			s.Logger.ErrorContext(ctx, "compensation failed: the cancelled order's invoice stays charged", "order_id", o.ID, "invoice_id", o.InvoiceID, "err", err)
		} else {
			o = s.record(ctx, o, func(o *order.Order) error { return o.MarkVoided(s.Now()) })
		}
	}
	return o
}

// record saves a compensation step; on a failed write the step is logged
// and the order returned as it was.
func (s *Sync) record(ctx context.Context, o order.Order, change func(*order.Order) error) order.Order {
	next, err := s.save(ctx, o, change)
	if err != nil {
		s.Logger.ErrorContext(ctx, "recording a compensation step failed", "order_id", o.ID, "err", err)
		return o
	}
	return next
}
