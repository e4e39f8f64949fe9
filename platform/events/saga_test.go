package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
)

const (
	reservationID = "9d0f0e1c-0000-4000-8000-000000000001"
	invoiceID     = "7c1d7a50-0000-4000-8000-000000000002"
)

// sagaPayloads are one valid payload of each of the saga's types.
func sagaPayloads() []events.Payload {
	return []events.Payload{
		events.OrderCancelled{OrderID: orderID, CustomerID: "cust-1", Reason: events.ReasonDeadline, CancelledAt: placedAt},
		events.PaymentDeclined{OrderID: orderID, CustomerID: "cust-1", ReservationID: reservationID,
			Reason: "over the credit limit: 3780 cents charged, 1000 remaining", AmountCents: 3780, Currency: "EUR"},
		events.StockReleased{OrderID: orderID, ReservationID: reservationID, Items: []events.Line{{SKU: "SKU-001", Qty: 2}},
			Reason: events.ReasonPaymentDeclined, Detail: "over the credit limit"},
		events.InvoiceVoided{OrderID: orderID, InvoiceID: invoiceID, Reason: events.ReasonCustomer, RefundedCents: 3780, Currency: "EUR"},
	}
}

func TestSagaValidate(t *testing.T) {
	cancelled := func(f func(*events.OrderCancelled)) events.Payload {
		p := sagaPayloads()[0].(events.OrderCancelled)
		f(&p)
		return p
	}
	declined := func(f func(*events.PaymentDeclined)) events.Payload {
		p := sagaPayloads()[1].(events.PaymentDeclined)
		f(&p)
		return p
	}
	released := func(f func(*events.StockReleased)) events.Payload {
		p := sagaPayloads()[2].(events.StockReleased)
		f(&p)
		return p
	}
	voided := func(f func(*events.InvoiceVoided)) events.Payload {
		p := sagaPayloads()[3].(events.InvoiceVoided)
		f(&p)
		return p
	}
	long := strings.Repeat("x", events.MaxDetailLen+1)
	tests := []struct {
		name string
		p    events.Payload
		want string // "" = valid
	}{
		{"cancelled by the deadline", cancelled(func(*events.OrderCancelled) {}), ""},
		{"cancelled by the customer", cancelled(func(p *events.OrderCancelled) { p.Reason = events.ReasonCustomer }), ""},
		// order-svc never had the order, so it knows no customer.
		{"cancelled, unknown order without customer", cancelled(func(p *events.OrderCancelled) {
			p.Reason, p.CustomerID = events.ReasonUnknownOrder, ""
		}), ""},
		{"cancelled without order", cancelled(func(p *events.OrderCancelled) { p.OrderID = "" }), "order_id is missing"},
		{"cancelled without time", cancelled(func(p *events.OrderCancelled) { p.CancelledAt = time.Time{} }), "cancelled_at is missing"},
		{"cancelled without reason", cancelled(func(p *events.OrderCancelled) { p.Reason = "" }), "reason is missing"},
		{"cancelled for a decline", cancelled(func(p *events.OrderCancelled) { p.Reason = events.ReasonPaymentDeclined }), `reason "payment_declined" is not one of`},

		{"declined", declined(func(*events.PaymentDeclined) {}), ""},
		{"declined, reason of the maximum length", declined(func(p *events.PaymentDeclined) { p.Reason = long[1:] }), ""},
		{"declined, nothing to charge", declined(func(p *events.PaymentDeclined) { p.AmountCents = 0 }), ""},
		{"declined without order", declined(func(p *events.PaymentDeclined) { p.OrderID = "" }), "order_id is missing"},
		{"declined without customer", declined(func(p *events.PaymentDeclined) { p.CustomerID = "" }), "customer_id is missing"},
		{"declined without reservation", declined(func(p *events.PaymentDeclined) { p.ReservationID = "" }), "reservation_id is missing"},
		{"declined without reason", declined(func(p *events.PaymentDeclined) { p.Reason = "" }), "reason is missing"},
		{"declined with a long reason", declined(func(p *events.PaymentDeclined) { p.Reason = long }), "reason is longer than 500 bytes"},
		{"declined a negative amount", declined(func(p *events.PaymentDeclined) { p.AmountCents = -1 }), "amount_cents is negative"},
		{"declined in no currency", declined(func(p *events.PaymentDeclined) { p.Currency = "EURO" }), "currency must be"},

		{"released for a decline", released(func(*events.StockReleased) {}), ""},
		{"released by the deadline, no detail", released(func(p *events.StockReleased) { p.Reason, p.Detail = events.ReasonDeadline, "" }), ""},
		{"released for the customer", released(func(p *events.StockReleased) { p.Reason = events.ReasonCustomer }), ""},
		{"released for an unknown order", released(func(p *events.StockReleased) { p.Reason = events.ReasonUnknownOrder }), ""},
		{"released, detail of the maximum length", released(func(p *events.StockReleased) { p.Detail = long[1:] }), ""},
		{"released without order", released(func(p *events.StockReleased) { p.OrderID = "" }), "order_id is missing"},
		{"released without reservation", released(func(p *events.StockReleased) { p.ReservationID = "" }), "reservation_id is missing"},
		{"released with a long detail", released(func(p *events.StockReleased) { p.Detail = long }), "detail is longer than 500 bytes"},
		{"released without reason", released(func(p *events.StockReleased) { p.Reason = "" }), "reason is missing"},
		{"released for no known reason", released(func(p *events.StockReleased) { p.Reason = "expired" }), `reason "expired" is not one of`},
		{"released nothing", released(func(p *events.StockReleased) { p.Items = nil }), "items is empty"},
		{"released a malformed line", released(func(p *events.StockReleased) { p.Items[0].Qty = 0 }), "qty 0 is outside"},

		{"voided", voided(func(*events.InvoiceVoided) {}), ""},
		{"voided by the deadline, nothing refunded", voided(func(p *events.InvoiceVoided) { p.Reason, p.RefundedCents = events.ReasonDeadline, 0 }), ""},
		{"voided without order", voided(func(p *events.InvoiceVoided) { p.OrderID = "" }), "order_id is missing"},
		{"voided without invoice", voided(func(p *events.InvoiceVoided) { p.InvoiceID = "" }), "invoice_id is missing"},
		{"voided a negative refund", voided(func(p *events.InvoiceVoided) { p.RefundedCents = -1 }), "refunded_cents is negative"},
		{"voided in no currency", voided(func(p *events.InvoiceVoided) { p.Currency = "" }), "currency must be"},
		{"voided without reason", voided(func(p *events.InvoiceVoided) { p.Reason = "" }), "reason is missing"},
		// A declined payment issued no invoice, so none is voided for it.
		{"voided for a decline", voided(func(p *events.InvoiceVoided) { p.Reason = events.ReasonPaymentDeclined }), `reason "payment_declined" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSagaRoundTrip(t *testing.T) {
	wantTypes := []string{events.TypeOrderCancelled, events.TypePaymentDeclined, events.TypeStockReleased, events.TypeInvoiceVoided}
	for i, p := range sagaPayloads() {
		t.Run(wantTypes[i], func(t *testing.T) {
			if p.EventType() != wantTypes[i] || events.KeyName(p.EventType()) != "order_id" {
				t.Fatalf("EventType() = %q keyed by %s, want %q keyed by order_id", p.EventType(), events.KeyName(p.EventType()), wantTypes[i])
			}
			env, err := events.New(orderID, placedAt, p)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			b, err := env.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, gotP, err := events.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Key() != orderID || got.Type != wantTypes[i] {
				t.Errorf("decoded envelope = %+v, want %s keyed by %s", got, wantTypes[i], orderID)
			}
			if !reflect.DeepEqual(deref(gotP), p) {
				t.Errorf("decoded payload = %#v, want %#v", gotP, p)
			}
		})
	}
}

// An order id that is not order-svc's UUID names no order and never will:
// Decode refuses it (the consumer dead-letters it) before any handler runs.
func TestDecodeRefusesAnOrderIDThatIsNotAUUID(t *testing.T) {
	for _, p := range slices.Concat(payloads()[:4], sagaPayloads()) {
		for _, tt := range []struct{ name, id string }{
			{"upper case", strings.ToUpper(orderID)},
			{"braces", "{" + orderID + "}"},
			{"urn", "urn:uuid:" + orderID},
			{"no hyphens", strings.ReplaceAll(orderID, "-", "")},
			{"not a UUID", "ord-001"},
			{"a number", "42"},
			{"padded", " " + orderID},
		} {
			t.Run(p.EventType()+"/"+tt.name, func(t *testing.T) {
				raw := withOrderID(t, p, tt.id)
				_, got, err := events.Decode(raw)
				if !errors.Is(err, events.ErrInvalid) || !strings.Contains(err.Error(), "not a UUID in canonical form") || got != nil {
					t.Fatalf("Decode(%s) = %#v, %v; want ErrInvalid: not a UUID in canonical form", raw, got, err)
				}
			})
		}
	}
}

// Invalid UTF-8 bytes in the order id (published by hand) decode as U+FFFD
// and so are no UUID either.
func TestDecodeRefusesAnOrderIDOfInvalidUTF8(t *testing.T) {
	valid := withOrderID(t, sagaPayloads()[0], orderID)
	bad := []byte(orderID)
	bad[0], bad[1] = 0xff, 0xfe
	raw := bytes.ReplaceAll(valid, []byte(orderID), bad)
	if bytes.Equal(raw, valid) {
		t.Fatal("the order id is not in the wire form")
	}
	if _, p, err := events.Decode(raw); !errors.Is(err, events.ErrInvalid) || !strings.Contains(err.Error(), "not a UUID") {
		t.Fatalf("Decode(invalid UTF-8 order id) = %#v, %v; want ErrInvalid: not a UUID", p, err)
	}
}

// Stock movements are keyed by SKU, which is no UUID: the check is the order
// flow's only.
func TestDecodeAcceptsSKUKeyedMovements(t *testing.T) {
	for _, p := range payloads()[4:] {
		member, key := keyOf(p)
		env, err := events.New(key, placedAt, deref(p))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := env.Encode()
		got, gotP, err := events.Decode(b)
		if err != nil || member != "sku" || got.SKU != key || gotP == nil {
			t.Fatalf("Decode(%s keyed by %s %q) = %+v, %v", p.EventType(), member, key, got, err)
		}
	}
}

// withOrderID is the wire form of p for order orderID with the envelope's and
// the payload's order id both replaced by id.
func withOrderID(t *testing.T, p events.Payload, id string) []byte {
	t.Helper()
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer {
		p = deref(p)
	}
	env, err := events.New(orderID, placedAt, p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := env.Encode()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["order_id"] = id
	m["payload"].(map[string]any)["order_id"] = id
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
