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
