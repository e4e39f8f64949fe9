package events_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/orderflow/platform/events"
)

func TestMovementValidate(t *testing.T) {
	received := func(f func(*events.StockReceived)) events.Payload {
		p := events.StockReceived{MovementID: movementID, SKU: "SKU-001", Quantity: 5, Reference: "PO-1", OnHandAfter: 5}
		f(&p)
		return p
	}
	adjusted := func(f func(*events.StockAdjusted)) events.Payload {
		p := events.StockAdjusted{MovementID: movementID, SKU: "SKU-001", Delta: -2, Reason: "count", OnHandAfter: 3}
		f(&p)
		return p
	}
	tests := []struct {
		name string
		p    events.Payload
		want string // "" = valid
	}{
		{"receipt", received(func(*events.StockReceived) {}), ""},
		{"receipt without reference", received(func(p *events.StockReceived) { p.Reference = "" }), ""},
		{"receipt of the maximum", received(func(p *events.StockReceived) { p.Quantity = events.MaxMovementQty }), ""},
		{"receipt of 0", received(func(p *events.StockReceived) { p.Quantity = 0 }), "quantity 0 is outside"},
		{"receipt over the maximum", received(func(p *events.StockReceived) { p.Quantity = events.MaxMovementQty + 1 }), "quantity 1000001"},
		{"receipt without id", received(func(p *events.StockReceived) { p.MovementID = "" }), "movement_id is missing"},
		{"receipt of a malformed SKU", received(func(p *events.StockReceived) { p.SKU = "sku-1" }), "malformed"},
		{"receipt leaving negative stock", received(func(p *events.StockReceived) { p.OnHandAfter = -1 }), "negative"},
		{"receipt with a padded reference", received(func(p *events.StockReceived) { p.Reference = " PO-1" }), "leading or trailing"},
		{"receipt with a long reference", received(func(p *events.StockReceived) { p.Reference = strings.Repeat("é", 101) }), "101 characters"},
		{"receipt with a newline in the reference", received(func(p *events.StockReceived) { p.Reference = "PO\n1" }), "control or format character"},
		{"adjustment down", adjusted(func(*events.StockAdjusted) {}), ""},
		{"adjustment up by the maximum", adjusted(func(p *events.StockAdjusted) { p.Delta = events.MaxMovementQty }), ""},
		{"adjustment down by the maximum", adjusted(func(p *events.StockAdjusted) { p.Delta = -events.MaxMovementQty }), ""},
		{"adjustment of 0", adjusted(func(p *events.StockAdjusted) { p.Delta = 0 }), "delta 0"},
		{"adjustment beyond the maximum", adjusted(func(p *events.StockAdjusted) { p.Delta = -events.MaxMovementQty - 1 }), "delta -1000001"},
		{"adjustment without reason", adjusted(func(p *events.StockAdjusted) { p.Reason = " " }), "reason is missing"},
		{"adjustment with a long reason", adjusted(func(p *events.StockAdjusted) { p.Reason = strings.Repeat("x", 201) }), "201 characters"},
		{"adjustment with a tab in the reason", adjusted(func(p *events.StockAdjusted) { p.Reason = "a\tb" }), "control or format character"},
		{"receipt with a right-to-left override in the reference", received(func(p *events.StockReceived) { p.Reference = "PO\u202e1" }), "control or format character"},
		{"adjustment with only a zero-width space as reason", adjusted(func(p *events.StockAdjusted) { p.Reason = "\u200b" }), "control or format character"},
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

func TestNewRefusesAKeyThatIsNotThePayloads(t *testing.T) {
	p := events.StockReceived{MovementID: movementID, SKU: "SKU-001", Quantity: 1, OnHandAfter: 1}
	if _, err := events.New(orderID, placedAt, p); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("New(order id, StockReceived) = %v, want a key error", err)
	}
	if _, err := events.New("SKU-001", placedAt, deref(payloads()[0])); err == nil {
		t.Fatal("New(SKU, OrderPlaced) succeeded")
	}
}

func TestDecodeRejectsStockMovements(t *testing.T) {
	wire := func(t *testing.T) map[string]any {
		env, err := events.New("SKU-001", placedAt, events.StockAdjusted{MovementID: movementID, SKU: "SKU-001", Delta: 3, Reason: "found in the back", OnHandAfter: 10})
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
	tests := []struct {
		name   string
		breakM func(m map[string]any)
		want   string
	}{
		{"sku missing", func(m map[string]any) { delete(m, "sku") }, "sku is missing"},
		// An order id does not stand in for the SKU: the key would be wrong.
		{"order_id instead of sku", func(m map[string]any) { m["order_id"] = m["sku"]; delete(m, "sku") }, "sku is missing"},
		{"payload sku differs", func(m map[string]any) { m["payload"].(map[string]any)["sku"] = "SKU-002" }, `payload sku "SKU-002" differs from envelope sku "SKU-001"`},
		{"delta 0", func(m map[string]any) { m["payload"].(map[string]any)["delta"] = 0 }, "delta 0"},
		{"delta not whole", func(m map[string]any) { m["payload"].(map[string]any)["delta"] = 1.5 }, "StockAdjusted payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := wire(t)
			tt.breakM(m)
			raw, _ := json.Marshal(m)
			_, p, err := events.Decode(raw)
			if !errors.Is(err, events.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode(%s) = %v, %v; want ErrInvalid mentioning %q", raw, p, err, tt.want)
			}
		})
	}
}
