package events_test

import (
	"testing"
	"time"

	"github.com/orderflow/platform/events"
)

// benchOrderPlaced is the OrderPlaced order-svc writes for a two-line order.
func benchOrderPlaced() events.OrderPlaced {
	at := time.Date(2025, 11, 3, 9, 30, 15, 123456000, time.UTC)
	return events.OrderPlaced{
		OrderID:    "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11",
		CustomerID: "load-042",
		Items:      []events.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}},
		PlacedAt:   at,
	}
}

// BenchmarkNewOrderPlaced is what order-svc does per order before the outbox
// insert: validate the payload, marshal it, wrap it with a fresh UUID.
func BenchmarkNewOrderPlaced(b *testing.B) {
	p := benchOrderPlaced()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := events.New(p.OrderID, p.PlacedAt, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeOrderPlaced is the envelope's wire form (outbox.Add calls it).
func BenchmarkEncodeOrderPlaced(b *testing.B) {
	p := benchOrderPlaced()
	env, err := events.New(p.OrderID, p.PlacedAt, p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		body, err := env.Encode()
		if err != nil {
			b.Fatal(err)
		}
		n = len(body)
	}
	b.ReportMetric(float64(n), "bytes/envelope")
}

// BenchmarkDecodeOrderPlaced is what every consumer does per message before
// the handler runs: parse and validate envelope and payload.
func BenchmarkDecodeOrderPlaced(b *testing.B) {
	p := benchOrderPlaced()
	env, err := events.New(p.OrderID, p.PlacedAt, p)
	if err != nil {
		b.Fatal(err)
	}
	body, err := env.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_, got, err := events.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := got.(*events.OrderPlaced); !ok {
			b.Fatalf("decoded %T, want *events.OrderPlaced", got)
		}
	}
}
