package invoice_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

func TestCompute(t *testing.T) {
	at := time.Date(2025, 11, 3, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name      string
		items     []events.Line
		wantLines []invoice.Line
		wantTotal int64
	}{
		{"one line", []events.Line{{SKU: "SKU-001", Qty: 1}}, []invoice.Line{{SKU: "SKU-001", Qty: 1, UnitCents: 1890, AmountCents: 1890}}, 1890},
		{"several lines", []events.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}, {SKU: "SKU-004", Qty: 3}},
			[]invoice.Line{{SKU: "SKU-001", Qty: 2, UnitCents: 1890, AmountCents: 3780}, {SKU: "SKU-003", Qty: 1, UnitCents: 1250, AmountCents: 1250}, {SKU: "SKU-004", Qty: 3, UnitCents: 18900, AmountCents: 56700}},
			61730},
		{"max quantity", []events.Line{{SKU: "SKU-004", Qty: 1000}}, []invoice.Line{{SKU: "SKU-004", Qty: 1000, UnitCents: 18900, AmountCents: 18900000}}, 18900000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := invoice.Compute("inv-1", "ord-1", "cust-1", tt.items, at)
			if err != nil {
				t.Fatal(err)
			}
			if inv.ID != "inv-1" || inv.OrderID != "ord-1" || inv.CustomerID != "cust-1" || inv.Currency != "EUR" || !inv.IssuedAt.Equal(at) || inv.IssuedAt.Location() != time.UTC {
				t.Fatalf("invoice = %+v", inv)
			}
			if !reflect.DeepEqual(inv.Lines, tt.wantLines) || inv.TotalCents != tt.wantTotal {
				t.Fatalf("lines %+v total %d, want %+v total %d", inv.Lines, inv.TotalCents, tt.wantLines, tt.wantTotal)
			}
		})
	}
}

func TestComputeUnknownSKU(t *testing.T) {
	inv, err := invoice.Compute("inv-1", "ord-1", "cust-1", []events.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-777", Qty: 1}}, time.Now())
	var np *invoice.NoPriceError
	if !errors.As(err, &np) || np.SKU != "SKU-777" {
		t.Fatalf("Compute = %v, want NoPriceError for SKU-777", err)
	}
	if err.Error() != "no price for SKU SKU-777" {
		t.Errorf("Error() = %q", err)
	}
	if !reflect.DeepEqual(inv, invoice.Invoice{}) {
		t.Errorf("a failed Compute returned a partial invoice %+v", inv)
	}
}

// Inventory seeds the SKUs invoicing must price: a reservable SKU without a
// price would dead-letter every StockReserved for it.
func TestEverySeededSKUHasAPrice(t *testing.T) {
	for _, sku := range []string{"SKU-001", "SKU-002", "SKU-003", "SKU-004", "SKU-005", "SKU-404"} {
		if invoice.Prices[sku] <= 0 {
			t.Errorf("%s has no price", sku)
		}
	}
}
