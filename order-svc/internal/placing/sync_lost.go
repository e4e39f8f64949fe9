package placing

import (
	"context"

	"github.com/orderflow/order-svc/internal/order"
)

// voidLostInvoice closes the gap of an Issue that failed ambiguously (a
// timeout, a reset connection, a 5xx after the request was sent):
// invoicing-svc may have charged the customer all the same, or may still be
// doing so. Looking the invoice up by order id would not do: finding none
// does not mean the first call will not commit a moment later. Asking again
// does: invoicing has one writer and one invoice per order, so the repeat
// either finds what the first call committed or commits it itself (and the
// first, if it comes later, finds that); once voided, a late first call is
// refused. So the order's invoice, if any, is voided before the order ends
// FAILED, and the customer keeps the credit. ctx bounds the calls (the
// compensation's context). It reports whether an invoice was voided, and
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
