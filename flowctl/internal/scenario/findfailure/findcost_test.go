package findfailure

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/config"
)

func TestJudgeCosts(t *testing.T) {
	const why = "failed in invoicing-svc: injected fault"
	child := tracedCost{prop: config.PropagationChild, lookups: 1, found: true, why: why}
	tests := []struct {
		name  string
		tried []tracedCost
		holds bool
		says  string
	}{
		{"off costs more than child", []tracedCost{child, {prop: config.PropagationOff, lookups: 7, found: true, why: why}},
			true, "off took 7 lookups"},
		{"off never finds the cause", []tracedCost{child, {prop: config.PropagationOff, lookups: 5}},
			true, "off never found it (5 lookups spent)"},
		{"off costs no more than child", []tracedCost{child, {prop: config.PropagationOff, lookups: 1, found: true, why: why}},
			false, "off took 1, no more: carrying no context cost nothing extra"},
		{"link costs the same as child (sync over HTTP): reported, not judged",
			[]tracedCost{child, {prop: config.PropagationLink, lookups: 1, found: true, why: why}}, true, "link took 1, no more"},
		{"child does not find the cause", []tracedCost{{prop: config.PropagationChild, lookups: 4}},
			false, "even with child the spans did not explain"},
		{"the why is the spans' own", []tracedCost{child}, true, `"` + why + `"`},
		{"nothing measured", nil, false, "nothing measured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			holds, says := judgeCosts(tc.tried)
			if holds != tc.holds || !strings.Contains(says, tc.says) {
				t.Errorf("judgeCosts = %v, %q; want %v and %q in it", holds, says, tc.holds, tc.says)
			}
		})
	}
}

func TestCompareModes(t *testing.T) {
	outcome := func(mode stackmode.Mode, lookups float64) kit.Outcome {
		o := kit.Outcome{Mode: string(mode), Holds: true, Verdict: string(mode) + ": …"}
		o.Put(Lookups.Def("child"), lookups)
		return o
	}
	tests := []struct {
		name         string
		sync, events float64
		eventsHolds  bool
	}{
		{"events need no more lookups than sync", 1, 1, true},
		{"events need more", 1, 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := kit.Run{Outcomes: []kit.Outcome{outcome(stackmode.Sync, tc.sync), outcome(stackmode.Events, tc.events)}}
			compareModes(&r)
			if r.Outcomes[1].Holds != tc.eventsHolds || !r.Outcomes[0].Holds {
				t.Errorf("holds sync %v events %v, want true and %v: %s", r.Outcomes[0].Holds, r.Outcomes[1].Holds, tc.eventsHolds, r.Verdict())
			}
			if !strings.Contains(r.Outcomes[1].Verdict, "with child propagation events needed") {
				t.Errorf("events verdict %q does not say what was compared", r.Outcomes[1].Verdict)
			}
		})
	}
	// One mode alone: nothing to compare, nothing changed.
	r := kit.Run{Outcomes: []kit.Outcome{outcome(stackmode.Events, 9)}}
	compareModes(&r)
	if !r.Outcomes[0].Holds || r.Outcomes[0].Verdict != "events: …" {
		t.Errorf("events alone changed: %+v", r.Outcomes[0])
	}
}
