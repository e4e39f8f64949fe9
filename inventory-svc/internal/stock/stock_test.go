package stock_test

import (
	"errors"
	"testing"

	"github.com/orderflow/inventory-svc/internal/stock"
)

func TestCheck(t *testing.T) {
	items := map[string]stock.Item{
		"SKU-001": {SKU: "SKU-001", OnHand: 10, Reserved: 4}, // 6 available
		"SKU-005": {SKU: "SKU-005", OnHand: 3},
		"SKU-404": {SKU: "SKU-404", OnHand: 0},
	}
	tests := []struct {
		name  string
		lines []stock.Line
		want  *stock.InsufficientError // nil = reservable
	}{
		{"all available", []stock.Line{{SKU: "SKU-001", Qty: 6}, {SKU: "SKU-005", Qty: 3}}, nil},
		{"one unit too many", []stock.Line{{SKU: "SKU-001", Qty: 7}}, &stock.InsufficientError{SKU: "SKU-001", Requested: 7, Available: 6}},
		{"one short line rejects the whole order", []stock.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-005", Qty: 5}}, &stock.InsufficientError{SKU: "SKU-005", Requested: 5, Available: 3}},
		{"sold out", []stock.Line{{SKU: "SKU-404", Qty: 1}}, &stock.InsufficientError{SKU: "SKU-404", Requested: 1, Available: 0}},
		{"not stocked", []stock.Line{{SKU: "SKU-001", Qty: 1}, {SKU: "SKU-999", Qty: 1}}, &stock.InsufficientError{SKU: "SKU-999", Requested: 1, Unknown: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := stock.Check(items, tt.lines)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var got *stock.InsufficientError
			if !errors.As(err, &got) || *got != *tt.want {
				t.Fatalf("Check = %#v, want %#v", err, tt.want)
			}
		})
	}
}

func TestInsufficientErrorText(t *testing.T) {
	if got := (&stock.InsufficientError{SKU: "SKU-005", Requested: 5, Available: 3}).Error(); got != "SKU SKU-005: 5 requested, 3 available" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&stock.InsufficientError{SKU: "SKU-999", Requested: 1, Unknown: true}).Error(); got != "SKU SKU-999 is not stocked" {
		t.Errorf("Error() = %q", got)
	}
}

func TestAvailable(t *testing.T) {
	if got := (stock.Item{OnHand: 10, Reserved: 3}).Available(); got != 7 {
		t.Fatalf("Available = %d, want 7", got)
	}
}

// The demo relies on the seed: SKU-005 runs out after 3, SKU-404 is sold out.
func TestSeed(t *testing.T) {
	by := map[string]stock.Item{}
	for _, it := range stock.Seed {
		by[it.SKU] = it
	}
	if by["SKU-005"].OnHand != 3 || by["SKU-404"].OnHand != 0 || by["SKU-001"].OnHand < 1000 {
		t.Fatalf("seed = %+v", stock.Seed)
	}
}
