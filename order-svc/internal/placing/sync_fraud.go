package placing

import (
	"context"
	"errors"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/order-svc/internal/order"
)

// FraudChecker is fraud-svc as sync mode sees it (FRAUD_CHECK=on).
type FraudChecker interface {
	// Check judges a reserved order: "" when cleared, the reason when
	// suspected (fraud-svc answers the first verdict again on a repeat).
	Check(ctx context.Context, orderID, customerID, reservationID string, items []order.Line) (suspected string, err error)
}

// SuspectedError: fraud-svc suspected the order.
type SuspectedError struct{ Detail string }

func (e *SuspectedError) Error() string { return "fraud suspected: " + e.Detail }

// IsSuspected reports whether err is a SuspectedError.
func IsSuspected(err error) bool {
	var s *SuspectedError
	return errors.As(err, &s)
}

// checkFraud is the step between the reservation and the invoice (only
// with a Fraud checker): done says the flow ends here, with the order and
// the error to answer. Suspected, or fraud-svc failing, releases the
// reservation and fails the order. A check holds nothing, so unlike a lost
// reservation or invoice, a lost answer needs no second call to undo it.
func (s *Sync) checkFraud(ctx context.Context, o order.Order, resID string) (order.Order, bool, error) {
	if s.Fraud == nil {
		return o, false, nil
	}
	reason, err := s.Fraud.Check(ctx, o.ID, o.CustomerID, resID, o.Items)
	if err == nil && reason == "" {
		return o, false, nil
	}
	if err == nil {
		err = &SuspectedError{Detail: reason}
	}
	o, err = s.undoCheck(ctx, o, resID, err)
	return o, true, err
}

// undoCheck releases the reservation of an order the check refused or could
// not judge, and ends it FAILED — "fraud suspected: …" for a suspicion —
// unless it was cancelled meanwhile.
func (s *Sync) undoCheck(ctx context.Context, o order.Order, resID string, cause error) (order.Order, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), compensationTimeout)
	defer cancel()
	rerr := s.Inventory.Release(cctx, resID)
	if rerr != nil {
		s.Logger.ErrorContext(ctx, "compensation failed: reservation stays held", "order_id", o.ID, "reservation_id", resID, "err", rerr)
	}
	var suspected *SuspectedError
	if errors.As(cause, &suspected) && rerr == nil {
		return s.finish(ctx, o, func(o *order.Order) error {
			return o.MarkReleased(events.ReasonFraudSuspected, suspected.Detail, s.Now())
		}, cause)
	}
	reason := cause.Error() + "; reservation " + resID + " released"
	if rerr != nil {
		reason = cause.Error() + "; releasing reservation " + resID + " also failed: " + rerr.Error()
	}
	return s.finish(ctx, o, func(o *order.Order) error {
		if rerr == nil {
			if err := o.MarkReleased(o.Reason, "", s.Now()); err != nil {
				return err
			}
		}
		return s.failUnlessCancelled(reason)(o)
	}, cause)
}
