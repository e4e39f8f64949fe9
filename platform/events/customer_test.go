package events_test

import (
	"strings"
	"testing"

	"github.com/orderflow/platform/events"
)

func TestValidateCustomerID(t *testing.T) {
	for _, ok := range []string{"cust-42", "Müller GmbH", "客户-1", "x", strings.Repeat("é", 64)} {
		if err := events.ValidateCustomerID(ok); err != nil {
			t.Errorf("ValidateCustomerID(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "   ", "\u3000", "\u200b", "\u202e", "cust\x1b[2J", "a\rb", "cu\u200dst", "\xff", strings.Repeat("a", 65)} {
		if err := events.ValidateCustomerID(bad); err == nil {
			t.Errorf("ValidateCustomerID(%q) = nil, want an error", bad)
		}
	}
}
