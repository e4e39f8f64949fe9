package kit

import (
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
)

// OrderHistory is one order's life as the log tells it: every step with the
// time its event was written. No service keeps this: order-svc keeps the
// latest status and a timeline, the others their own rows.
type OrderHistory struct {
	Placed, Reserved, Rejected, Invoiced time.Time
	// The saga's steps (readmodel_saga.go): a declined payment, the stock
	// released (ReleaseReason says why), the invoice voided, the order
	// cancelled.
	Declined, Released, Voided, Cancelled time.Time
	ReleaseReason                         string
	Items                                 []events.Line
	TotalCents                            int64
	// Events counts the order's events in the log, redeliveries included.
	Events int
}

// Status is the status order-svc must show once it applied every event
// (its state table, docs/architecture.md section 9): an OrderCancelled is
// written only when order-svc cancelled the order, and nothing moves a
// cancelled order on; it confirms an order when it consumes InvoiceIssued;
// a release for a declined payment fails it.
func (h OrderHistory) Status() string {
	switch {
	case !h.Cancelled.IsZero():
		return "CANCELLED"
	case !h.Invoiced.IsZero():
		return "CONFIRMED"
	case !h.Rejected.IsZero():
		return "REJECTED"
	case !h.Released.IsZero() && h.ReleaseReason == events.ReasonPaymentDeclined:
		return "FAILED"
	case !h.Reserved.IsZero() || !h.Declined.IsZero(): // a decline implies the reservation
		return "RESERVED"
	case !h.Placed.IsZero():
		return "PENDING"
	}
	return "" // only later events reached the log: not an order we can judge
}

// SKUHour is one cell of the units-per-SKU-per-hour view.
type SKUHour struct {
	SKU  string
	Hour time.Time
}

// ReadModel is built from the three topics (a run replays what it added): each order's full
// history, units sold per SKU per hour and revenue per hour (InvoiceIssued
// carries only an order's total, so revenue cannot be split by SKU).
type ReadModel struct {
	Orders        map[string]*OrderHistory
	UnitsBySKU    map[SKUHour]int
	RevenueByHour map[time.Time]int64
	// Invoices and InvoicedCents are the invoices issued and not voided:
	// what invoicing-svc's totals count.
	Invoices      int
	InvoicedCents int64
	// ReservedUnits are the units of every reservation in the log not
	// released since (a declined payment, a cancellation), so inventory's
	// reserved stock must add up to it.
	ReservedUnits int
	// Skipped are records the model cannot use: malformed ones (dead-letter
	// material) and stock movements, which are keyed by SKU, not order.
	Skipped int
}

func NewReadModel() *ReadModel {
	return &ReadModel{Orders: map[string]*OrderHistory{}, UnitsBySKU: map[SKUHour]int{}, RevenueByHour: map[time.Time]int64{}}
}

// Apply folds one record into the model. Redeliveries (at-least-once) are
// counted as events but change no step: the first time a step happened wins.
func (m *ReadModel) Apply(r kafkalog.Record) {
	d := r.Decode()
	if d.Err != nil {
		m.Skipped++
		return
	}
	at := r.Time
	first := func(t *time.Time) {
		if t.IsZero() || at.Before(*t) {
			*t = at
		}
	}
	hist := func(id string) *OrderHistory {
		h := m.Orders[id]
		if h == nil {
			h = &OrderHistory{}
			m.Orders[id] = h
		}
		h.Events++
		return h
	}
	switch p := d.Payload.(type) {
	case *events.OrderPlaced:
		h := hist(p.OrderID)
		first(&h.Placed)
		h.Items = p.Items
	case *events.StockReserved:
		h := hist(p.OrderID)
		if !h.Reserved.IsZero() {
			first(&h.Reserved)
			return // the same reservation delivered again
		}
		h.Reserved = at
		for _, l := range p.Items {
			m.ReservedUnits += l.Qty
		}
	case *events.StockRejected:
		first(&hist(p.OrderID).Rejected)
	case *events.InvoiceIssued:
		h := hist(p.OrderID)
		if !h.Invoiced.IsZero() {
			return // the same invoice delivered again
		}
		h.Invoiced, h.TotalCents = at, p.TotalCents
		m.Invoices++
		m.InvoicedCents += p.TotalCents
		m.RevenueByHour[at.UTC().Truncate(time.Hour)] += p.TotalCents
	default:
		if !m.applySaga(d.Payload, hist, first) {
			m.Skipped++
		}
	}
}

// Finish adds the units of invoiced orders to their SKU and hour; it runs once
// every topic is in, since an order's lines and its invoice sit on different
// topics.
func (m *ReadModel) Finish() {
	for _, h := range m.Orders {
		if h.Invoiced.IsZero() || !h.Voided.IsZero() { // a voided invoice sold nothing
			continue
		}
		for _, l := range h.Items {
			m.UnitsBySKU[SKUHour{SKU: l.SKU, Hour: h.Invoiced.UTC().Truncate(time.Hour)}] += l.Qty
		}
	}
}

// LiveCheck is how the read model compares with what the services report.
type LiveCheck struct {
	Agree, Disagree int
	// NotInLog are live orders the log has no history for.
	NotInLog    int
	Differences []string
}

// Check compares each live order's status, invoicing's totals and
// inventory's reserved units (summed over SKUs) with the read model.
func (m *ReadModel) Check(orders []api.Order, totals api.Totals, reservedUnits int) LiveCheck {
	var c LiveCheck
	for _, o := range orders {
		h, ok := m.Orders[o.ID]
		if !ok || h.Status() == "" {
			c.NotInLog++
			c.Differences = append(c.Differences, fmt.Sprintf("order %s (%s): no history in the log", Short(o.ID), o.Status))
			continue
		}
		if want := h.Status(); want != string(o.Status) {
			c.Disagree++
			c.Differences = append(c.Differences, fmt.Sprintf("order %s: order-svc says %s, the log says %s", Short(o.ID), o.Status, want))
			continue
		}
		c.Agree++
	}
	if m.Invoices != totals.Count || m.InvoicedCents != totals.TotalCents {
		c.Disagree++
		c.Differences = append(c.Differences, fmt.Sprintf("invoicing-svc has %d invoices (%s), the log %d (%s)",
			totals.Count, Money(totals.TotalCents, string(totals.Currency)), m.Invoices, Money(m.InvoicedCents, string(totals.Currency))))
	} else {
		c.Agree++
	}
	if m.ReservedUnits != reservedUnits {
		c.Disagree++
		c.Differences = append(c.Differences, fmt.Sprintf("inventory-svc holds %d units reserved, the log's reservations %d", reservedUnits, m.ReservedUnits))
	} else {
		c.Agree++
	}
	slices.Sort(c.Differences)
	return c
}
