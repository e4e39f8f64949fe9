package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

func TestProgressBar(t *testing.T) {
	if got := Bar(5, 10, 10); got != "[█████·····] 5/10" {
		t.Errorf("Bar = %q", got)
	}
	if got := Bar(12, 10, 4); got != "[████] 10/10" {
		t.Errorf("an overfull bar = %q", got)
	}
	if got := Bar(0, 0, 4); got != "[····] 0/1" {
		t.Errorf("an empty total = %q", got)
	}
}

func TestProgressOffTerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	for i := 1; i <= 5; i++ {
		p.Update("placing", i, 5)
	}
	p.Done()
	// Logs get one line per finished step, not a redraw per update.
	if got := b.String(); got != "    placing 5/5\n" {
		t.Errorf("off a terminal: %q", got)
	}
}

func TestProgressOnTerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, true)
	p.Update("placing", 1, 2)
	p.Update("placing", 2, 2)
	out := b.String()
	if !strings.Contains(out, "\r\033[K") || !strings.HasSuffix(out, "2/2 placing\n") {
		t.Errorf("on a terminal: %q", out)
	}
}

func TestScenarioRun(t *testing.T) {
	r := scenario.Run{Scenario: "downstream-down", Claim: "events remove coupling", Outcomes: []scenario.Outcome{
		{Mode: "sync", Verdict: "sync: 0 of 5", Holds: true, Metrics: []scenario.Metric{{Key: "success_pct", Label: "confirmed", Value: 0, Unit: "%"}}},
		{Mode: "events", Verdict: "events: 5 of 5", Holds: false, Details: []string{"a detail"}, Metrics: []scenario.Metric{
			{Key: "success_pct", Label: "confirmed", Value: 100, Unit: "%"}, {Key: "catch_up_ms", Label: "caught up", Value: 3200, Unit: "ms"}}},
	}}
	var b bytes.Buffer
	ScenarioRun(&b, r, false)
	out := b.String()
	for _, want := range []string{"== downstream-down ==", "verdict: sync: 0 of 5; events: 5 of 5", "0%", "100%", "3.20 s", "–", "claim shown — sync: yes · events: NO", "events:\n  a detail"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\033[") {
		t.Error("colour codes without a terminal")
	}
	b.Reset()
	ScenarioRun(&b, r, true)
	if !strings.Contains(b.String(), "\033[31mNO\033[0m") {
		t.Errorf("on a terminal a claim not shown is red:\n%q", b.String())
	}
}
