package termsafe_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/termsafe"
)

func TestJSON(t *testing.T) {
	in := map[string]string{"key": "o\u009b2J\u202e\x7f\u200b\U000e0041", "esc": "\x1b[2J\r\n"}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := termsafe.JSON(b)
	if strings.ContainsAny(string(got), "\u009b\u202e\x7f\u200b\U000e0041\x1b") {
		t.Fatalf("JSON left a control or format character raw: %q", got)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["key"] != in["key"] || back["esc"] != in["esc"] {
		t.Fatalf("JSON changed the value: %q → %v, %v", got, back, err)
	}
	if plain := []byte(`{"a": "cust-42"}`); string(termsafe.JSON(plain)) != string(plain) {
		t.Fatal("JSON changed clean output")
	}
}
