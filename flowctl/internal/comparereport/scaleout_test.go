package comparereport

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/scaleout"
)

// scaleOutRun is a scale-out run on sync and events with cores cores.
func scaleOutRun(cores float64) scenario.Run {
	run := scenario.Run{Scenario: scaleout.Def.Name, Claim: scaleout.Def.Claim}
	for _, m := range []string{"sync", "events"} {
		o := scenario.Outcome{Scenario: run.Scenario, Mode: m, Holds: true, Verdict: m + ": scaled"}
		if cores > 0 {
			o.Put(scaleout.Cores, cores)
		}
		o.Put(scaleout.OfferedRate, 20)
		o.Put(scaleout.Others, 4)
		o.Put(scaleout.ThroughputOne, 18)
		o.Put(scaleout.PlacementNOne, 180)
		o.Put(scaleout.ThroughputThree, 19.5)
		o.Put(scaleout.PlacementNThree, 190)
		o.Put(scaleout.SentScaleIn, 40)
		o.Put(scaleout.FailedScaleIn, 0)
		if m == "events" {
			o.Put(scaleout.ChangeTTCMax, 840)
			o.Put(scaleout.Partitions, 3)
			o.Put(scaleout.CapIdle, 1)
		}
		run.Outcomes = append(run.Outcomes, o)
	}
	return run
}

// TestScaleOutSection: the section opens with 1 against 3 replicas and
// the cores, saying a CPU-bound ceiling cannot rise when the processes
// outnumber them (and not when they do not); page 1's scale row quotes it
// with n and units.
func TestScaleOutSection(t *testing.T) {
	var b strings.Builder
	if err := CompareMarkdown(&b, scenario.Report{Runs: []scenario.Run{scaleOutRun(2)}}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"sync: 18 orders/s final with 1 replica of inventory-svc, 19.5 orders/s with 3 — 2 cores for 7 processes (services, flowctl's load): a CPU-bound ceiling cannot rise",
		"18 of 20 offered/s final with 1 replica (n=180), 19.5 of 20 offered/s with 3 replicas (n=190); 2 cores for 7 processes",
		"0 of 40 orders failed during the scale-in",
		"1 replica idle beyond 3 partitions",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	for _, p := range pageOneProblems(md, []string{"sync", "events"}) {
		if strings.Contains(p, "scale") {
			t.Error(p)
		}
	}
	b.Reset()
	if err := CompareMarkdown(&b, scenario.Report{Runs: []scenario.Run{scaleOutRun(16)}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "cannot rise") {
		t.Errorf("16 cores for 7 processes said a ceiling cannot rise:\n%s", b.String())
	}
	b.Reset()
	if err := CompareMarkdown(&b, scenario.Report{Runs: []scenario.Run{scaleOutRun(0)}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "cores: unknown (remote runtime)") || strings.Contains(b.String(), "cannot rise") {
		t.Errorf("a remote runtime's cores are not said unknown:\n%s", b.String())
	}
}

func TestNotMeasuredSaysHowToMeasure(t *testing.T) {
	var b strings.Builder
	other := scenario.Run{Scenario: "happy-path", Outcomes: []scenario.Outcome{{Mode: "sync"}, {Mode: "events"}}}
	if err := CompareMarkdown(&b, scenario.Report{Runs: []scenario.Run{other}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "not measured in this report: run \\`flowctl scenario scale-out\\`") {
		t.Errorf("the scale row does not say how to measure it:\n%s", b.String())
	}
}
