package cmd_test

import (
	"strings"
	"testing"
)

// walkthrough's help shows the defaults it runs with and only the flags it
// reads (it once showed the scenarios' 40 orders and 5s, and --latency,
// --propagation and --json, which it ignored).
func TestWalkthroughHelpShowsWhatItUses(t *testing.T) {
	out, err := flowctl(t, nil, "walkthrough", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--orders int", "(default 20)", "--down-for duration", "(default 3s)", "--wait", "--mode string"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	for _, unused := range []string{"--latency", "--propagation", "--json", "(default 40)", "(default 5s)"} {
		if strings.Contains(out, unused) {
			t.Errorf("help shows %q, which the walkthrough does not use:\n%s", unused, out)
		}
	}
}
