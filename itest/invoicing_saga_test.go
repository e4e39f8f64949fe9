package itest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/events"

	invoicing "github.com/orderflow/invoicing-svc/app"
)

// invoicing-svc's side of the saga, end to end on the broker: a customer
// whose credit cannot cover the order is declined (PaymentDeclined, nothing
// charged), an OrderCancelled voids an issued invoice (credit back), and one
// that arrives before the StockReserved leaves a tombstone so nothing is
// charged; redeliveries change nothing. What order-svc and inventory-svc do
// with those events is theirs to test.

type invoiceView struct {
	InvoiceID  string `json:"invoice_id"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	TotalCents int64  `json:"total_cents"`
}

type creditView struct {
	LimitCents     int64 `json:"limit_cents"`
	ChargedCents   int64 `json:"charged_cents"`
	RemainingCents int64 `json:"remaining_cents"`
}

// invoiceOf is the order's invoice, if it has one.
func (s *stack) invoiceOf(orderID string) (invoiceView, bool) {
	s.t.Helper()
	var list struct{ Invoices []invoiceView }
	r := do(s.t, http.MethodGet, s.url[invoicing.Name]+"/invoices?order_id="+orderID, nil)
	if r.status != 200 {
		s.t.Fatalf("GET /invoices?order_id=%s = %d %s", orderID, r.status, r.body)
	}
	r.decode(s.t, &list)
	if len(list.Invoices) == 0 {
		return invoiceView{}, false
	}
	return list.Invoices[0], true
}

func (s *stack) creditOf(customer string) creditView {
	s.t.Helper()
	var c creditView
	do(s.t, http.MethodGet, s.url[invoicing.Name]+"/customers/"+customer+"/credit", nil).decode(s.t, &c)
	return c
}

// waitInvoice polls the order's invoice until it has status.
func (s *stack) waitInvoice(orderID, status string) invoiceView {
	s.t.Helper()
	var inv invoiceView
	eventually(s.t, 30*time.Second, "invoice of "+orderID+" "+status, func() (bool, string) {
		var ok bool
		inv, ok = s.invoiceOf(orderID)
		return ok && inv.Status == status, inv.Status
	})
	return inv
}

// newUUID is a random (version 4) UUID, as order ids are.
func newUUID(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// publish writes p to topic as its producer would (key = order id) and
// returns the message, to be written again as a redelivery.
func publish(t *testing.T, topic string, p events.Payload, orderID string) kafka.Message {
	t.Helper()
	env, err := events.New(orderID, time.Now(), p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Encode()
	if err != nil {
		t.Fatal(err)
	}
	m := kafka.Message{Topic: topic, Key: []byte(orderID), Value: b}
	writeRaw(t, m)
	return m
}

// invoicingTypes are the types of the events on invoicing.v1, in order per partition.
func invoicingTypes(t *testing.T, s *stack, want int) []string {
	t.Helper()
	var out []string
	for _, m := range readAllEventually(t, s.prefix+events.TopicInvoicing, want) {
		env, _, err := events.Decode(m.Value)
		if err != nil {
			t.Fatalf("invoicing.v1 holds an invalid event: %v", err)
		}
		out = append(out, env.Type)
	}
	return out
}

// settled waits until invoicing-svc has consumed n more events than before.
func (s *stack) settled(before int64, n int64) {
	s.t.Helper()
	eventually(s.t, 20*time.Second, "invoicing-svc consumed the events", func() (bool, string) {
		return s.invoicing.Messaging.Stats.Processed.Load() >= before+n, ""
	})
}

func TestEventsPaymentDeclinedForABrokeCustomer(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	var o orderView
	if r := s.place("cust-broke", item("SKU-001", 1)); r.status != http.StatusAccepted {
		t.Fatalf("POST /orders = %d %s", r.status, r.body)
	} else {
		r.decode(t, &o)
	}
	inv := s.waitInvoice(o.ID, "DECLINED")
	if !strings.Contains(inv.Reason, "credit limit exceeded") || !strings.Contains(inv.Reason, "€18.90") {
		t.Fatalf("declined invoice = %+v", inv)
	}
	if types := invoicingTypes(t, s, 1); len(types) != 1 || types[0] != events.TypePaymentDeclined {
		t.Fatalf("invoicing.v1 = %v, want one PaymentDeclined", types)
	}
	if c := s.creditOf("cust-broke"); c.ChargedCents != 0 || c.LimitCents != 0 {
		t.Fatalf("cust-broke's credit = %+v, want nothing charged", c)
	}
	var totals struct{ Count int }
	do(t, http.MethodGet, s.url[invoicing.Name]+"/invoices/totals", nil).decode(t, &totals)
	if totals.Count != 0 {
		t.Fatalf("charged invoices = %d, want 0", totals.Count)
	}
}

func TestEventsCancelAfterTheInvoiceVoidsIt(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	var o orderView
	s.place("cust-thrifty", item("SKU-002", 2)).decode(t, &o)
	issued := s.waitInvoice(o.ID, "ISSUED")
	if c := s.creditOf("cust-thrifty"); c.ChargedCents != 9800 || c.RemainingCents != 200 {
		t.Fatalf("credit after the charge = %+v", c)
	}
	invoicingTypes(t, s, 1)

	cancel := publish(t, s.prefix+events.TopicOrders, events.OrderCancelled{OrderID: o.ID, CustomerID: "cust-thrifty", Reason: events.ReasonCustomer, CancelledAt: time.Now()}, o.ID)
	voided := s.waitInvoice(o.ID, "VOIDED")
	if voided.InvoiceID != issued.InvoiceID || voided.Reason != events.ReasonCustomer {
		t.Fatalf("voided = %+v, want invoice %s voided by the customer", voided, issued.InvoiceID)
	}
	if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 || c.RemainingCents != 10_000 {
		t.Fatalf("credit after the void = %+v, want all of it back", c)
	}
	if types := invoicingTypes(t, s, 2); strings.Join(types, ",") != events.TypeInvoiceIssued+","+events.TypeInvoiceVoided {
		t.Fatalf("invoicing.v1 = %v", types)
	}

	// The same OrderCancelled again, byte for byte: nothing more happens.
	before := s.invoicing.Messaging.Stats.Processed.Load()
	writeRaw(t, cancel)
	s.settled(before, 1)
	if n, err := countMessages(s.prefix + events.TopicInvoicing); err != nil || n != 2 {
		t.Fatalf("invoicing.v1 after the redelivery holds %d events (%v), want 2", n, err)
	}
	if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
		t.Fatalf("credit after the redelivery = %+v", c)
	}
}

// TestEventsCancelBeforeTheReservationChargesNothing: the OrderCancelled
// (orders.v1) overtakes the StockReserved (inventory.v1), as two topics
// allow; the reservation that arrives afterwards charges nothing and
// announces nothing, also when both are delivered again.
func TestEventsCancelBeforeTheReservationChargesNothing(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeEvents})
	orderID := newUUID(t)
	before := s.invoicing.Messaging.Stats.Processed.Load()
	cancel := publish(t, s.prefix+events.TopicOrders, events.OrderCancelled{OrderID: orderID, CustomerID: "cust-ada", Reason: events.ReasonDeadline, CancelledAt: time.Now()}, orderID)
	eventually(t, 20*time.Second, "the tombstone", func() (bool, string) {
		ok, err := s.invoicing.Store.Cancelled(t.Context(), orderID)
		return ok && err == nil, ""
	})
	s.settled(before, 1)

	before = s.invoicing.Messaging.Stats.Processed.Load()
	reserved := publish(t, s.prefix+events.TopicInventory, events.StockReserved{OrderID: orderID, ReservationID: newUUID(t), CustomerID: "cust-ada", Items: []events.Line{{SKU: "SKU-004", Qty: 1}}}, orderID)
	s.settled(before, 1)
	before = s.invoicing.Messaging.Stats.Processed.Load()
	writeRaw(t, cancel, reserved)
	s.settled(before, 2)

	if inv, ok := s.invoiceOf(orderID); ok {
		t.Fatalf("an order cancelled before its reservation has an invoice: %+v", inv)
	}
	if n, err := countMessages(s.prefix + events.TopicInvoicing); err != nil || n != 0 {
		t.Fatalf("invoicing.v1 holds %d events (%v), want none", n, err)
	}
	if c := s.creditOf("cust-ada"); c.ChargedCents != 0 {
		t.Fatalf("cust-ada's credit = %+v, want nothing charged", c)
	}
}

// TestSyncPaymentDeclined: order-svc's POST /invoices for a customer whose
// credit is too small is declined; nothing is charged and the order is not
// confirmed (the reservation is released by order-svc's compensation).
func TestSyncPaymentDeclined(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync})
	before := s.reservedOf("SKU-002")
	// The answer is the order (whatever order-svc makes of a decline) or a
	// problem naming it.
	var o struct {
		ID      string `json:"id"`
		OrderID string `json:"order_id"`
	}
	s.place("cust-thrifty", item("SKU-002", 3)).decode(t, &o)
	if o.ID == "" {
		o.ID = o.OrderID
	}
	inv, ok := s.invoiceOf(o.ID)
	if !ok || inv.Status != "DECLINED" || !strings.Contains(inv.Reason, "€147.00") {
		t.Fatalf("invoice of the order = %+v (%v), want DECLINED for €147.00", inv, ok)
	}
	if got := s.getOrder(o.ID); got.Status == "CONFIRMED" || !got.Final {
		t.Fatalf("order = %s (final %v), want final and not CONFIRMED", got.Status, got.Final)
	}
	if c := s.creditOf("cust-thrifty"); c.ChargedCents != 0 {
		t.Fatalf("credit = %+v, want nothing charged", c)
	}
	if after := s.reservedOf("SKU-002"); after != before {
		t.Fatalf("SKU-002 reserved %d → %d: the declined order holds stock", before, after)
	}
}
