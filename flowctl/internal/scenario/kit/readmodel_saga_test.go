package kit

import (
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
)

const (
	ordDeclined  = "6c2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f73"
	ordCancelled = "7d2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f74"
	ordUnknown   = "8e2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f75"
	ordDeclining = "9f2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f76"
)

// TestReadModelSaga: the saga's events move the statuses order-svc shows,
// give reserved units back and take voided invoices out of the totals, once
// each however often they are delivered.
func TestReadModelSaga(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	items := []events.Line{{SKU: "SKU-001", Qty: 3}}
	placed := func(id string) events.OrderPlaced {
		return events.OrderPlaced{OrderID: id, CustomerID: "c", Items: items, PlacedAt: at(0)}
	}
	reserved := func(id string) events.StockReserved {
		return events.StockReserved{OrderID: id, ReservationID: "r-" + id[:4], CustomerID: "c", Items: items}
	}
	declined := events.PaymentDeclined{OrderID: ordDeclined, CustomerID: "c", ReservationID: "r-6c2b", Reason: "credit", AmountCents: 900, Currency: "EUR"}
	relDeclined := events.StockReleased{OrderID: ordDeclined, ReservationID: "r-6c2b", Items: items, Reason: events.ReasonPaymentDeclined, Detail: "credit"}
	relCancelled := events.StockReleased{OrderID: ordCancelled, ReservationID: "r-7d2b", Items: items, Reason: events.ReasonCustomer}
	voided := events.InvoiceVoided{OrderID: ordCancelled, InvoiceID: "inv-7", Reason: events.ReasonCustomer, RefundedCents: 900, Currency: "EUR"}
	log := []struct {
		topic string
		id    string
		ms    int
		p     events.Payload
	}{
		{events.TopicOrders, ordDeclined, 0, placed(ordDeclined)},
		{events.TopicOrders, ordCancelled, 0, placed(ordCancelled)},
		{events.TopicOrders, ordDeclining, 0, placed(ordDeclining)},
		{events.TopicOrders, ordCancelled, 30, events.OrderCancelled{OrderID: ordCancelled, CustomerID: "c", Reason: events.ReasonCustomer, CancelledAt: at(30)}},
		{events.TopicOrders, ordUnknown, 50, events.OrderCancelled{OrderID: ordUnknown, Reason: events.ReasonUnknownOrder, CancelledAt: at(50)}},
		{events.TopicInventory, ordDeclined, 10, reserved(ordDeclined)},
		{events.TopicInventory, ordCancelled, 10, reserved(ordCancelled)},
		{events.TopicInventory, ordDeclining, 10, reserved(ordDeclining)},
		{events.TopicInventory, ordDeclined, 40, relDeclined},
		{events.TopicInventory, ordDeclined, 45, relDeclined}, // redelivered
		{events.TopicInventory, ordCancelled, 40, relCancelled},
		{events.TopicInvoicing, ordDeclined, 20, declined},
		{events.TopicInvoicing, ordDeclining, 20, events.PaymentDeclined{OrderID: ordDeclining, CustomerID: "c", ReservationID: "r-9f2b", Reason: "credit", AmountCents: 900, Currency: "EUR"}},
		{events.TopicInvoicing, ordCancelled, 20, events.InvoiceIssued{OrderID: ordCancelled, InvoiceID: "inv-7", TotalCents: 900, Currency: "EUR"}},
		{events.TopicInvoicing, ordCancelled, 50, voided},
		{events.TopicInvoicing, ordCancelled, 55, voided}, // redelivered
	}
	m := NewReadModel()
	for _, r := range log {
		m.Apply(record(t, r.topic, r.id, at(r.ms), r.p))
	}
	m.Finish()
	for id, want := range map[string]string{ordDeclined: "FAILED", ordCancelled: "CANCELLED", ordUnknown: "CANCELLED", ordDeclining: "RESERVED"} {
		if got := m.Orders[id].Status(); got != want {
			t.Errorf("order %s: %s, want %s", id[:4], got, want)
		}
	}
	// Three reservations of 3, two released: 3 held (the declining order's,
	// whose release is still to come).
	if m.ReservedUnits != 3 || m.Invoices != 0 || m.InvoicedCents != 0 || m.Skipped != 0 {
		t.Errorf("reserved %d, invoices %d (%d cents), skipped %d; want 3, 0 (0), 0", m.ReservedUnits, m.Invoices, m.InvoicedCents, m.Skipped)
	}
	if len(m.UnitsBySKU) != 0 || m.RevenueByHour[t0] != 0 {
		t.Errorf("a voided invoice sold nothing: units %v, revenue %v", m.UnitsBySKU, m.RevenueByHour)
	}
	live := []api.Order{{ID: ordDeclined, Status: "FAILED"}, {ID: ordCancelled, Status: "CANCELLED"}, {ID: ordUnknown, Status: "CANCELLED"}, {ID: ordDeclining, Status: "RESERVED"}}
	if c := m.Check(live, api.Totals{Currency: "EUR"}, 3); c.Disagree != 0 || c.NotInLog != 0 || c.Agree != 6 {
		t.Errorf("check = %+v, want 6 facts agreed", c)
	}
}
