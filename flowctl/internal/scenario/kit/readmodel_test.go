package kit

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
)

const (
	ordA = "3f1c2a9e-8b7d-4e6f-9a01-2b3c4d5e6f70"
	ordB = "4a2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f71"
)

func record(t *testing.T, topic, key string, at time.Time, p events.Payload) kafkalog.Record {
	t.Helper()
	env, err := events.New(key, at, p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return kafkalog.Record{Topic: topic, Key: []byte(key), Value: b, Time: at,
		Headers: map[string]string{"event-type": p.EventType(), "event-id": env.ID}}
}

// logOf is a log of two orders: A confirmed (its invoice delivered twice), B
// rejected; and one malformed record.
func logOf(t *testing.T) []kafkalog.Record {
	t0 := time.Date(2026, 11, 29, 10, 59, 59, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	inv := events.InvoiceIssued{OrderID: ordA, InvoiceID: "inv-1", TotalCents: 2598, Currency: "EUR"}
	return []kafkalog.Record{
		record(t, events.TopicOrders, ordA, at(0), events.OrderPlaced{OrderID: ordA, CustomerID: "c", Items: []events.Line{{SKU: "SKU-001", Qty: 2}}, PlacedAt: at(0)}),
		record(t, events.TopicOrders, ordB, at(5), events.OrderPlaced{OrderID: ordB, CustomerID: "c", Items: []events.Line{{SKU: "SKU-005", Qty: 9}}, PlacedAt: at(5)}),
		record(t, events.TopicInventory, ordA, at(10), events.StockReserved{OrderID: ordA, ReservationID: "r-1", CustomerID: "c", Items: []events.Line{{SKU: "SKU-001", Qty: 2}}}),
		record(t, events.TopicInventory, ordB, at(12), events.StockRejected{OrderID: ordB, Reason: "short", SKU: "SKU-005"}),
		record(t, events.TopicInvoicing, ordA, at(1500), inv),
		record(t, events.TopicInvoicing, ordA, at(1600), inv), // redelivered
		{Topic: events.TopicOrders, Key: []byte("poison"), Value: []byte(`{"id":`), Time: at(20)},
	}
}

func TestReadModel(t *testing.T) {
	m := NewReadModel()
	for _, r := range logOf(t) {
		m.Apply(r)
	}
	m.Finish()
	if got := m.Orders[ordA]; got.Status() != "CONFIRMED" || got.Events != 4 || got.Placed.IsZero() || got.Reserved.IsZero() {
		t.Errorf("order A = %+v (status %s), want CONFIRMED with 4 events and every step", got, got.Status())
	}
	if got := m.Orders[ordB].Status(); got != "REJECTED" {
		t.Errorf("order B status %s, want REJECTED", got)
	}
	if m.Invoices != 1 || m.InvoicedCents != 2598 || m.Skipped != 1 || m.ReservedUnits != 2 {
		t.Errorf("invoices %d (%d cents), skipped %d, reserved %d; want 1 (2598), 1, 2: a redelivery invoices once", m.Invoices, m.InvoicedCents, m.Skipped, m.ReservedUnits)
	}
	// Invoiced in the hour after it was placed: units go to the invoice's hour.
	hour := time.Date(2026, 11, 29, 11, 0, 0, 0, time.UTC)
	if m.UnitsBySKU[SKUHour{"SKU-001", hour}] != 2 || m.RevenueByHour[hour] != 2598 || len(m.UnitsBySKU) != 1 {
		t.Errorf("units %v, revenue %v", m.UnitsBySKU, m.RevenueByHour)
	}

	totals := api.Totals{Count: 1, TotalCents: 2598, Currency: "EUR"}
	tests := []struct {
		name                      string
		orders                    []api.Order
		totals                    api.Totals
		reserved                  int
		agree, disagree, notInLog int
		diff                      string
	}{
		{"live state agrees", []api.Order{{ID: ordA, Status: "CONFIRMED"}, {ID: ordB, Status: "REJECTED"}}, totals, 2, 4, 0, 0, ""},
		{"order-svc missed the invoice", []api.Order{{ID: ordA, Status: "RESERVED"}, {ID: ordB, Status: "REJECTED"}}, totals, 2, 3, 1, 0,
			"order-svc says RESERVED, the log says CONFIRMED"},
		{"invoicing's totals differ", []api.Order{{ID: ordA, Status: "CONFIRMED"}}, api.Totals{Count: 2, TotalCents: 5196, Currency: "EUR"}, 2, 2, 1, 0,
			"invoicing-svc has 2 invoices"},
		{"inventory holds units no reservation in the log explains", []api.Order{{ID: ordA, Status: "CONFIRMED"}}, totals, 5, 2, 1, 0,
			"inventory-svc holds 5 units reserved, the log's reservations 2"},
		{"an order the log never saw", []api.Order{{ID: "5b2b3c4d-8b7d-4e6f-9a01-2b3c4d5e6f72", Status: "PENDING"}}, totals, 2, 2, 0, 1, "no history in the log"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := m.Check(tc.orders, tc.totals, tc.reserved)
			if c.Agree != tc.agree || c.Disagree != tc.disagree || c.NotInLog != tc.notInLog {
				t.Errorf("check = %+v, want agree %d disagree %d not in log %d", c, tc.agree, tc.disagree, tc.notInLog)
			}
			if tc.diff == "" && len(c.Differences) > 0 || tc.diff != "" && !slices.ContainsFunc(c.Differences, func(d string) bool { return strings.Contains(d, tc.diff) }) {
				t.Errorf("differences %q, want one with %q", c.Differences, tc.diff)
			}
		})
	}
}
