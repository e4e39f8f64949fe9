package placing

import (
	"context"

	"github.com/orderflow/order-svc/internal/order"
)

// A sync call that fails ambiguously — a timeout, a reset connection, a 5xx
// after the request was sent — may have done its work all the same, or may
// still be doing it: its answer is lost, not its effect. Before the order
// ends FAILED, order-svc asks again and undoes what the first call did.
// Looking the reservation or the invoice up by order id would not do:
// finding none does not mean the first call, still in the service, will not
// commit a moment later. Asking again does: both calls are idempotent per
// order and each service has one writer, so the repeat either finds what
// the first call committed or does the work itself (and the first, if it
// comes later, finds that); once released or voided, a late first call
// holds or charges nothing. A call that never left (connection refused) or
// was answered 503 (before anything was done) is not asked about.

// undoLostReservation fails the order after Reserve failed with cause,
// releasing first what an ambiguous failure may have reserved. An
// out-of-stock answer to the repeat stores nothing, so a first call that
// arrives after it (it overtook the first) could still reserve: the ledger
// check would see that one.
func (s *Sync) undoLostReservation(ctx context.Context, o order.Order, cause error) (order.Order, error) {
	reason := cause.Error()
	if IsUnsent(cause) {
		return s.finish(ctx, o, s.failUnlessCancelled(reason), cause)
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), compensationTimeout)
	defer cancel()
	resID, err := s.Inventory.Recheck(cctx, o.ID, o.Items)
	released := false
	switch {
	case err != nil:
		s.Logger.ErrorContext(ctx, "compensation failed: whether stock is held for the order is unknown", "order_id", o.ID, "err", err)
		reason += "; whether stock is held for it is unknown: " + err.Error()
	case resID != "":
		if err := s.Inventory.Release(cctx, resID); err != nil {
			s.Logger.ErrorContext(ctx, "compensation failed: reservation stays held", "order_id", o.ID, "reservation_id", resID, "err", err)
			reason += "; reservation " + resID + " was made and releasing it failed: " + err.Error()
		} else {
			released = true
			reason += "; reservation " + resID + " released"
		}
	}
	return s.finish(ctx, o, func(o *order.Order) error {
		if resID != "" { // held, even if releasing it failed: the timeline shows the release awaited
			if err := o.MarkReserved(resID, s.Now()); err != nil {
				return err
			}
		}
		if released {
			if err := o.MarkReleased(o.Reason, "", s.Now()); err != nil {
				return err
			}
		}
		return s.failUnlessCancelled(reason)(o)
	}, cause)
}

// voidLostInvoice voids what an Issue that failed ambiguously may have
// charged, before the order ends FAILED: a repeat that declines stores the
// decline, and a late first call after a void is refused (409), so the
// customer is charged nothing. ctx bounds the calls (the compensation's
// context). It reports whether an invoice was voided, and
// what to add to the order's reason ("" when nothing was charged).
func (s *Sync) voidLostInvoice(ctx context.Context, o order.Order) (voided bool, note string) {
	invID, err := s.Invoicing.Recheck(ctx, o.ID, o.CustomerID, o.Items)
	if err != nil {
		s.Logger.ErrorContext(ctx, "compensation failed: whether the order was charged is unknown", "order_id", o.ID, "err", err)
		return false, "; whether it was charged is unknown: " + err.Error()
	}
	if invID == "" {
		return false, ""
	}
	if err := s.Invoicing.Void(ctx, invID); err != nil {
		s.Logger.ErrorContext(ctx, "compensation failed: the failed order's invoice stays charged", "order_id", o.ID, "invoice_id", invID, "err", err)
		return false, "; invoice " + invID + " was issued and voiding it failed: " + err.Error()
	}
	return true, "; invoice " + invID + " voided"
}
