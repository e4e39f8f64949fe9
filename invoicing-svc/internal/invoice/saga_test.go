package invoice_test

import (
	"testing"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

// TestNextEveryCell: one row per (state, message) cell of the design's table,
// including the messages that come too late (a StockReserved after the
// cancellation, an OrderCancelled after a decline or a void).
func TestNextEveryCell(t *testing.T) {
	cells := []struct {
		state invoice.State
		msg   invoice.Message
		want  invoice.Action
	}{
		{invoice.StateNone, invoice.StockReserved, invoice.Charge},
		{invoice.StateNone, invoice.OrderCancelled, invoice.Remember},
		{invoice.StateIssued, invoice.StockReserved, invoice.Nothing},     // redelivery
		{invoice.StateIssued, invoice.OrderCancelled, invoice.Void},       // cancelled after the charge
		{invoice.StateDeclined, invoice.StockReserved, invoice.Nothing},   // redelivery: no second attempt
		{invoice.StateDeclined, invoice.OrderCancelled, invoice.Nothing},  // nothing was charged
		{invoice.StateVoided, invoice.StockReserved, invoice.Nothing},     // too late: never charged again
		{invoice.StateVoided, invoice.OrderCancelled, invoice.Nothing},    // redelivery
		{invoice.StateCancelled, invoice.StockReserved, invoice.Nothing},  // reserved after the cancellation: no charge
		{invoice.StateCancelled, invoice.OrderCancelled, invoice.Nothing}, // redelivery
	}
	seen := map[[2]string]bool{}
	for _, c := range cells {
		t.Run(string(c.state)+"/"+string(c.msg), func(t *testing.T) {
			got, err := invoice.Next(c.state, c.msg)
			if err != nil || got != c.want {
				t.Fatalf("Next(%q, %s) = %q, %v; want %q", c.state, c.msg, got, err, c.want)
			}
		})
		seen[[2]string{string(c.state), string(c.msg)}] = true
	}
	// The rows above are the whole table: no state or message is left out.
	for _, s := range invoice.States {
		for _, m := range invoice.Messages {
			if !seen[[2]string{string(s), string(m)}] {
				t.Errorf("cell (%q, %s) has no row", s, m)
			}
		}
	}
	if len(cells) != len(invoice.States)*len(invoice.Messages) {
		t.Errorf("%d rows for %d cells", len(cells), len(invoice.States)*len(invoice.Messages))
	}
}

func TestNextUnknownCell(t *testing.T) {
	if a, err := invoice.Next("PAID", invoice.StockReserved); err == nil {
		t.Fatalf("Next(PAID) = %q, want an error", a)
	}
	if a, err := invoice.Next(invoice.StateNone, "InvoiceIssued"); err == nil {
		t.Fatalf("Next(InvoiceIssued) = %q, want an error", a)
	}
}
