package invoice_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orderflow/invoicing-svc/internal/invoice"
)

func TestDecide(t *testing.T) {
	credit := invoice.Credit{CustomerID: "cust-thrifty", LimitCents: 10_000, ChargedCents: 9_800}
	tests := []struct {
		name     string
		amount   int64
		c        invoice.Credit
		provider bool
		want     invoice.Status
		reason   []string // substrings of the reason
	}{
		{"fits exactly", 200, credit, false, invoice.Issued, nil},
		{"one cent over", 201, credit, false, invoice.Declined, []string{"credit limit exceeded", "€2.01", "€2.00 of credit remaining", "cust-thrifty", "limit €100.00"}},
		{"limit 0", 1, invoice.Credit{CustomerID: "cust-broke"}, false, invoice.Declined, []string{"€0.01", "€0.00 of credit remaining"}},
		{"limit lowered under the charges", 1, invoice.Credit{CustomerID: "c", LimitCents: 100, ChargedCents: 500}, false, invoice.Declined, []string{"€0.00 of credit remaining"}},
		{"within credit, provider declines", 200, credit, true, invoice.Declined, []string{invoice.ProviderDeclined}},
		{"over credit and provider declines: the credit is the reason", 201, credit, true, invoice.Declined, []string{"credit limit exceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := invoice.Decide(tt.amount, tt.c, tt.provider)
			if got != tt.want {
				t.Fatalf("Decide = %s (%q), want %s", got, reason, tt.want)
			}
			if tt.want == invoice.Issued && reason != "" {
				t.Fatalf("an issued charge has a reason %q", reason)
			}
			for _, s := range tt.reason {
				if !strings.Contains(reason, s) {
					t.Errorf("reason %q lacks %q", reason, s)
				}
			}
		})
	}
}

func TestRemainingNeverNegative(t *testing.T) {
	for _, c := range []struct {
		c    invoice.Credit
		want int64
	}{
		{invoice.Credit{LimitCents: 1000, ChargedCents: 0}, 1000},
		{invoice.Credit{LimitCents: 1000, ChargedCents: 1000}, 0},
		{invoice.Credit{LimitCents: 1000, ChargedCents: 1001}, 0},
	} {
		if got := c.c.RemainingCents(); got != c.want {
			t.Errorf("%+v remaining = %d, want %d", c.c, got, c.want)
		}
	}
}

func TestValidateLimit(t *testing.T) {
	for _, ok := range []int64{0, 1, invoice.MaxLimitCents} {
		if err := invoice.ValidateLimit(ok); err != nil {
			t.Errorf("ValidateLimit(%d) = %v", ok, err)
		}
	}
	for _, bad := range []int64{-1, invoice.MaxLimitCents + 1} {
		if err := invoice.ValidateLimit(bad); !errors.Is(err, invoice.ErrLimitRange) {
			t.Errorf("ValidateLimit(%d) = %v, want ErrLimitRange", bad, err)
		}
	}
}

// The seeded customers are the lesson's: their limits are small and valid,
// and the default's customers are not among them.
func TestSeeded(t *testing.T) {
	want := map[string]int64{"cust-broke": 0, "cust-thrifty": 10_000}
	if len(invoice.Seeded) != len(want) {
		t.Fatalf("seeded = %+v", invoice.Seeded)
	}
	for _, s := range invoice.Seeded {
		if l, ok := want[s.CustomerID]; !ok || l != s.LimitCents || invoice.ValidateLimit(s.LimitCents) != nil {
			t.Errorf("seeded %+v, want %s with %d", s, s.CustomerID, l)
		}
	}
}

func TestEuros(t *testing.T) {
	for cents, want := range map[int64]string{0: "€0.00", 5: "€0.05", 1890: "€18.90", 56700: "€567.00", -250: "-€2.50"} {
		if got := invoice.Euros(cents); got != want {
			t.Errorf("Euros(%d) = %q, want %q", cents, got, want)
		}
	}
}
