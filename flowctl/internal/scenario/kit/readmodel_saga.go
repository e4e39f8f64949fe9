package kit

import (
	"time"

	"github.com/orderflow/platform/events"
)

// applySaga folds one of the saga's events into the model: a declined
// payment, a release (its units leave the reserved stock), a void (its
// invoice leaves the totals and its hour's revenue), a cancellation. Each
// counts once per order, as a redelivery changes nothing in the services.
// It reports whether p was one of them.
func (m *ReadModel) applySaga(p any, hist func(string) *OrderHistory, first func(*time.Time)) bool {
	switch p := p.(type) {
	case *events.PaymentDeclined:
		first(&hist(p.OrderID).Declined)
	case *events.StockReleased:
		h := hist(p.OrderID)
		if !h.Released.IsZero() {
			first(&h.Released)
			return true // the same release delivered again
		}
		first(&h.Released)
		h.ReleaseReason = p.Reason
		for _, l := range p.Items {
			m.ReservedUnits -= l.Qty
		}
	case *events.InvoiceVoided:
		h := hist(p.OrderID)
		if !h.Voided.IsZero() || h.Invoiced.IsZero() {
			first(&h.Voided)
			return true // delivered again, or (cannot happen on one partition) before its invoice
		}
		first(&h.Voided)
		m.Invoices--
		m.InvoicedCents -= h.TotalCents
		m.RevenueByHour[h.Invoiced.UTC().Truncate(time.Hour)] -= h.TotalCents
	case *events.OrderCancelled:
		first(&hist(p.OrderID).Cancelled)
	default:
		return false
	}
	return true
}
