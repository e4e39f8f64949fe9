package comparereport

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The line under the title says how big the events log was when the run
// began: results that read the log depend on it (issue 20, item 5).
func TestMetaSaysTheLogSizeTheRunBeganWith(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  *kit.LogSize
		want string
	}{
		{"measured", &kit.LogSize{Events: 3328, Bytes: 2274809, BytesMeasured: true}, "runtime: native · events log before the run: 3328 events, 2.2 MiB written in the broker's log dir · "},
		{"bytes not measured", &kit.LogSize{Events: 12}, "runtime: native · events log before the run: 12 events · "},
		{"unknown", nil, "runtime: native · 0 scenarios"},
	} {
		got := newCompareView(scenario.Report{Runtime: "native", LogBefore: tc.log}, false).Meta()
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: meta %q, want it to hold %q", tc.name, got, tc.want)
		}
	}
}

// With the third stack the line says each brokered stack's log, and the
// broker's bytes once (the two share it).
func TestMetaSaysEachStacksLog(t *testing.T) {
	r := scenario.Report{Runtime: "native", Runs: []scenario.Run{{Scenario: "x", Outcomes: []scenario.Outcome{
		{Mode: "sync"}, {Mode: "events"}, {Mode: "events-orchestration"}}}},
		LogBefore: &kit.LogSize{Events: 3328, Bytes: 2274809, BytesMeasured: true},
		LogsBefore: map[string]kit.LogSize{"events": {Events: 3328, Bytes: 2274809, BytesMeasured: true},
			"events-orchestration": {Events: 120, Bytes: 2274809, BytesMeasured: true}}}
	got := newCompareView(r, false).Meta()
	want := "logs before the run: events-choreography 3328 events, events-orchestration 120 events; 2.2 MiB written in the broker's log dir"
	if !strings.Contains(got, want) || strings.Count(got, "MiB") != 1 {
		t.Errorf("meta %q, want it to hold %q", got, want)
	}
}
