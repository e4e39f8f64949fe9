package readyourwrites

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// reads builds gap groups of per orders each; stale[g] of group g were not
// final when read.
func reads(per int, stale ...int) []gapRead {
	var out []gapRead
	for i := range per {
		for g := range readGaps {
			r := gapRead{Group: g, GapMS: float64(readGaps[g].Milliseconds()) + 0.4, Status: "CONFIRMED"}
			if i < stale[g] {
				r.Stale, r.Status = true, "PENDING"
			}
			out = append(out, r)
		}
	}
	return out
}

func TestReadYourWritesStaleShareByGap(t *testing.T) {
	for _, c := range []struct {
		name       string
		mode       stackmode.Mode
		reads      []gapRead
		holds      bool
		at0, at100 float64
	}{
		{"sync: never stale", stackmode.Sync, reads(5, 0, 0, 0, 0), true, 0, 0},
		{"sync: a stale read breaks the claim", stackmode.Sync, reads(5, 1, 0, 0, 0), false, 20, 0},
		{"events: stale share falls with the gap", stackmode.Events, reads(5, 5, 3, 1, 0), true, 100, 0},
		{"events: a broker that wins every race", stackmode.Events, reads(5, 0, 0, 0, 0), false, 0, 0},
		{"events: waiting does not help", stackmode.Events, reads(5, 4, 4, 4, 4), false, 80, 80},
		{"orchestration: stale share falls with the gap", stackmode.Orchestration, reads(5, 5, 3, 1, 0), true, 100, 0},
		{"orchestration: waiting does not help", stackmode.Orchestration, reads(5, 4, 4, 4, 4), false, 80, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judgeReadYourWrites(c.mode, load.Summary{}, c.reads)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not name the stack", o.Verdict)
			}
			m0, ok0 := o.Metric(staleAt()[0].Key)
			m100, ok100 := o.Metric(staleAt()[3].Key)
			if !ok0 || !ok100 || m0.Value != c.at0 || m100.Value != c.at100 {
				t.Errorf("stale at 0/100 ms = %v/%v, want %g/%g", m0, m100, c.at0, c.at100)
			}
			if !strings.Contains(m0.Label, "(n=5)") {
				t.Errorf("label %q does not give the sample count", m0.Label)
			}
		})
	}
}
