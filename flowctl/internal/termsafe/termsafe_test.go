package termsafe_test

import (
	"testing"

	"github.com/orderflow/flowctl/internal/termsafe"
)

func TestString(t *testing.T) {
	tests := map[string]string{
		"cust-42":           "cust-42",
		"Müller 客户 😀":       "Müller 客户 😀",
		"\x1b[2J\x1b[H":     `\x1b[2J\x1b[H`,
		"\x1b]0;pwned\x07":  `\x1b]0;pwned\x07`,
		"ok\rFAKE":          `ok\x0dFAKE`,
		"a\nb\tc":           `a\x0ab\x09c`,
		"\u202egnp.exe":     `\u202egnp.exe`,
		"\u200b":            `\u200b`,
		"bom\ufeff":         `bom\ufeff`,
		"csi\u009b2J":       `csi\x9b2J`,
		"line\u2028sep":     `line\u2028sep`,
		"bad \xff\xfe utf8": `bad \xff\xfe utf8`,
		"":                  "",
	}
	for in, want := range tests {
		if got := termsafe.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}
