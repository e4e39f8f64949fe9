package events_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/events"
)

const orderID = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11"

const movementID = "3a7e9c10-0000-4000-8000-000000000003"

var placedAt = time.Date(2025, 11, 3, 9, 30, 15, 123456000, time.UTC)

func payloads() []events.Payload {
	return []events.Payload{
		&events.OrderPlaced{OrderID: orderID, CustomerID: "cust-1", Items: []events.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}}, PlacedAt: placedAt},
		&events.StockReserved{OrderID: orderID, ReservationID: "9d0f0e1c-0000-4000-8000-000000000001", CustomerID: "cust-1", Items: []events.Line{{SKU: "SKU-001", Qty: 2}}},
		&events.StockRejected{OrderID: orderID, Reason: "SKU SKU-005: 5 requested, 3 available", SKU: "SKU-005"},
		&events.InvoiceIssued{OrderID: orderID, InvoiceID: "7c1d7a50-0000-4000-8000-000000000002", TotalCents: 3780, Currency: "EUR"},
		&events.StockReceived{MovementID: movementID, SKU: "SKU-002", Quantity: 250, Reference: "PO-2025-117", OnHandAfter: 20250},
		&events.StockAdjusted{MovementID: movementID, SKU: "SKU-002", Delta: -4, Reason: "count: 4 broken", OnHandAfter: 20246},
	}
}

// keyOf is the subject each test payload's envelope must name: the SKU for
// stock movements, the order id for the rest.
func keyOf(p events.Payload) (member, value string) {
	switch v := p.(type) {
	case *events.StockReceived:
		return "sku", v.SKU
	case *events.StockAdjusted:
		return "sku", v.SKU
	}
	return "order_id", orderID
}

func TestEnvelopeRoundTrip(t *testing.T) {
	wantTypes := []string{events.TypeOrderPlaced, events.TypeStockReserved, events.TypeStockRejected, events.TypeInvoiceIssued, events.TypeStockReceived, events.TypeStockAdjusted}
	for i, p := range payloads() {
		t.Run(p.EventType(), func(t *testing.T) {
			if p.EventType() != wantTypes[i] {
				t.Fatalf("EventType() = %q, want %q", p.EventType(), wantTypes[i])
			}
			occurred := time.Date(2025, 11, 3, 10, 0, 0, 5000, time.FixedZone("CET", 3600))
			member, key := keyOf(p)
			env, err := events.New(key, occurred, deref(p))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := uuid.Parse(env.ID); err != nil {
				t.Errorf("envelope id %q is not a UUID", env.ID)
			}
			if env.SchemaVersion != 1 {
				t.Errorf("schema_version = %d, want 1", env.SchemaVersion)
			}
			if env.OccurredAt.Location() != time.UTC || !env.OccurredAt.Equal(occurred) {
				t.Errorf("occurred_at = %v, want %v in UTC", env.OccurredAt, occurred)
			}
			b, err := env.Encode()
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			var wire map[string]any
			if err := json.Unmarshal(b, &wire); err != nil {
				t.Fatalf("wire form is not JSON: %v", err)
			}
			for _, k := range []string{"id", "type", "schema_version", "occurred_at", member, "payload"} {
				if _, ok := wire[k]; !ok {
					t.Errorf("wire form lacks %q: %s", k, b)
				}
			}
			// Exactly one member names the subject: a stock movement has no order.
			if len(wire) != 6 {
				t.Errorf("wire form has %d members, want 6: %s", len(wire), b)
			}
			if env.Key() != key {
				t.Errorf("Key() = %q, want %q", env.Key(), key)
			}
			got, gotP, err := events.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.ID != env.ID || got.Type != wantTypes[i] || got.Key() != key || got.SchemaVersion != 1 || !got.OccurredAt.Equal(occurred) {
				t.Errorf("decoded envelope = %+v, want %+v", got, env)
			}
			if !reflect.DeepEqual(gotP, p) {
				t.Errorf("decoded payload = %#v, want %#v", gotP, p)
			}
		})
	}
}

// deref turns the pointer payloads above into the value types producers pass to New.
func deref(p events.Payload) events.Payload {
	return reflect.ValueOf(p).Elem().Interface().(events.Payload)
}

func TestNewRejectsInvalidPayload(t *testing.T) {
	_, err := events.New(orderID, placedAt, events.InvoiceIssued{OrderID: orderID, InvoiceID: "x", Currency: "EURO"})
	if err == nil || !strings.Contains(err.Error(), "currency") {
		t.Fatalf("New with a bad currency: err = %v, want a currency error", err)
	}
}

// valid returns the wire form of a valid OrderPlaced envelope as a map to break.
func valid(t *testing.T) map[string]any {
	t.Helper()
	env, err := events.New(orderID, placedAt, deref(payloads()[0]))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := env.Encode()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name   string
		raw    []byte
		breakM func(m map[string]any)
		want   string
	}{
		{name: "not JSON", raw: []byte("not json at all"), want: "not valid JSON"},
		{name: "empty", raw: []byte{}, want: "not valid JSON"},
		{name: "bad id", breakM: func(m map[string]any) { m["id"] = "42" }, want: "not a UUID"},
		{name: "missing id", breakM: func(m map[string]any) { delete(m, "id") }, want: "not a UUID"},
		{name: "schema_version 2", breakM: func(m map[string]any) { m["schema_version"] = 2 }, want: "schema_version 2"},
		{name: "schema_version missing", breakM: func(m map[string]any) { delete(m, "schema_version") }, want: "schema_version 0"},
		{name: "occurred_at missing", breakM: func(m map[string]any) { delete(m, "occurred_at") }, want: "occurred_at is missing"},
		{name: "order_id missing", breakM: func(m map[string]any) { delete(m, "order_id") }, want: "order_id is missing"},
		{name: "unknown type", breakM: func(m map[string]any) { m["type"] = "OrderShipped" }, want: `unknown event type "OrderShipped"`},
		{name: "payload missing", breakM: func(m map[string]any) { delete(m, "payload") }, want: "OrderPlaced payload"},
		{name: "payload wrong shape", breakM: func(m map[string]any) { m["payload"] = []any{1, 2} }, want: "OrderPlaced payload"},
		{name: "payload fails validation: qty 0", breakM: func(m map[string]any) {
			m["payload"].(map[string]any)["items"] = []any{map[string]any{"sku": "SKU-001", "qty": 0}}
		}, want: "qty 0 is outside"},
		{name: "payload fails validation: no customer", breakM: func(m map[string]any) {
			delete(m["payload"].(map[string]any), "customer_id")
		}, want: "customer_id is missing"},
		{name: "payload order_id differs", breakM: func(m map[string]any) {
			m["payload"].(map[string]any)["order_id"] = "11111111-2222-4333-8444-555555555555"
		}, want: "differs from envelope order_id"},
		{name: "type does not match payload", breakM: func(m map[string]any) { m["type"] = events.TypeInvoiceIssued }, want: "InvoiceIssued payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.raw
			if tt.breakM != nil {
				m := valid(t)
				tt.breakM(m)
				var err error
				if raw, err = json.Marshal(m); err != nil {
					t.Fatal(err)
				}
			}
			_, p, err := events.Decode(raw)
			if err == nil {
				t.Fatalf("Decode(%s) succeeded with %#v, want an error", raw, p)
			}
			if !errors.Is(err, events.ErrInvalid) {
				t.Errorf("error %q does not wrap events.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if p != nil {
				t.Errorf("payload = %#v, want nil on error", p)
			}
		})
	}
}

func TestValidateLines(t *testing.T) {
	tests := []struct {
		name  string
		lines []events.Line
		want  string // "" = valid
	}{
		{"one line", []events.Line{{SKU: "SKU-001", Qty: 1}}, ""},
		{"max qty", []events.Line{{SKU: "AB", Qty: events.MaxQty}}, ""},
		{"four segments", []events.Line{{SKU: "A1-B2-C3-D4", Qty: 3}}, ""},
		{"empty", nil, "items is empty"},
		{"qty 0", []events.Line{{SKU: "SKU-001", Qty: 0}}, "qty 0"},
		{"qty 1001", []events.Line{{SKU: "SKU-001", Qty: 1001}}, "qty 1001"},
		{"lower case", []events.Line{{SKU: "sku-001", Qty: 1}}, "malformed"},
		{"one char", []events.Line{{SKU: "A", Qty: 1}}, "malformed"},
		{"five segments", []events.Line{{SKU: "A1-B2-C3-D4-E5", Qty: 1}}, "malformed"},
		{"duplicate", []events.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-001", Qty: 2}}, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.ValidateLines(tt.lines)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("ValidateLines = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("ValidateLines = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDLQ(t *testing.T) {
	if got := events.DLQ(events.TopicOrders); got != "orders.v1.dlq" {
		t.Fatalf("DLQ(orders.v1) = %q", got)
	}
}
