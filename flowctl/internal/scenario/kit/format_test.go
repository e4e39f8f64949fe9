package kit

import (
	"strings"
	"testing"
)

func TestVerdictJoinsModes(t *testing.T) {
	r := Run{Outcomes: []Outcome{{Verdict: "sync: a"}, {Verdict: "events: b"}}}
	if got := r.Verdict(); got != "sync: a; events: b" {
		t.Errorf("Verdict = %q", got)
	}
}

func TestStatusList(t *testing.T) {
	if got := StatusList(map[string]int{"PENDING": 3, "CONFIRMED": 7, "FAILED": 3}); got != "CONFIRMED 7 · FAILED 3 · PENDING 3" {
		t.Errorf("statusList = %q", got)
	}
}

func TestBrief(t *testing.T) {
	if got := Brief("failed in invoicing-svc: HTTP 503; reservation r-1 released"); got != "failed in invoicing-svc: HTTP 503" {
		t.Errorf("brief = %q", got)
	}
	if got := Brief("failed in invoicing-svc: invoicing-svc unavailable: HTTP 503: this service is failing on purpose"); got != "failed in invoicing-svc: invoicing-svc unavailable: HTTP 503" {
		t.Errorf("brief = %q", got)
	}
	if got := []rune(Brief(strings.Repeat("x", 300))); len(got) != 100 {
		t.Errorf("brief kept %d runes", len(got))
	}
}

// TestFormatRate: a throughput keeps its unit whole, even at 1 (the plural
// nouns lose their "s" there: "1 event").
func TestFormatRate(t *testing.T) {
	for v, want := range map[float64]string{1: "1 orders/s", 19.5: "19.5 orders/s"} {
		if got := FormatValue(v, string(UnitRate)); got != want {
			t.Errorf("FormatValue(%g, orders/s) = %q, want %q", v, got, want)
		}
	}
	if got := FormatValue(1, string(UnitCores)); got != "1 core" {
		t.Errorf("one core: %q", got)
	}
}
