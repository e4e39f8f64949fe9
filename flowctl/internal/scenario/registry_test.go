package scenario

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	all, err := Lookup([]string{"all"})
	if err != nil || len(all) != 12 {
		t.Fatalf("all: %d scenarios, %v", len(all), err)
	}
	two, err := Lookup([]string{"replay", "broker-down"})
	if err != nil || len(two) != 2 || two[0].Name != "replay" || two[1].Name != "broker-down" {
		t.Fatalf("Lookup kept neither the names nor their order: %v %v", two, err)
	}
	_, err = Lookup([]string{"happy-path", "nope"})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "scenario list") {
		t.Errorf("unknown scenario: %v", err)
	}
}

func TestEveryScenarioExplainsItself(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All {
		if seen[s.Name] {
			t.Errorf("%s twice", s.Name)
		}
		seen[s.Name] = true
		if s.Summary == "" || s.Claim == "" || s.run == nil {
			t.Errorf("%s: summary %q, claim %q, run set %v", s.Name, s.Summary, s.Claim, s.run != nil)
		}
	}
}

func TestVerdictJoinsModes(t *testing.T) {
	r := Run{Outcomes: []Outcome{{Verdict: "sync: a"}, {Verdict: "events: b"}}}
	if got := r.Verdict(); got != "sync: a; events: b" {
		t.Errorf("Verdict = %q", got)
	}
}

func TestStatusList(t *testing.T) {
	if got := statusList(map[string]int{"PENDING": 3, "CONFIRMED": 7, "FAILED": 3}); got != "CONFIRMED 7 · FAILED 3 · PENDING 3" {
		t.Errorf("statusList = %q", got)
	}
}

func TestBrief(t *testing.T) {
	if got := brief("failed in invoicing-svc: HTTP 503; reservation r-1 released"); got != "failed in invoicing-svc: HTTP 503" {
		t.Errorf("brief = %q", got)
	}
	if got := brief("failed in invoicing-svc: invoicing-svc unavailable: HTTP 503: this service is failing on purpose"); got != "failed in invoicing-svc: invoicing-svc unavailable: HTTP 503" {
		t.Errorf("brief = %q", got)
	}
	if got := []rune(brief(strings.Repeat("x", 300))); len(got) != 100 {
		t.Errorf("brief kept %d runes", len(got))
	}
}
