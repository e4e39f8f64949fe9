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
