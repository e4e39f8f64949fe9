package stock_test

import (
	"testing"

	"github.com/orderflow/inventory-svc/internal/stock"
)

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
