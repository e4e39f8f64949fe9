package kit

import (
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestRunFindsEachStacksOutcome: a judge of three stacks finds each, and
// the brokered ones in the run's order; the two-mode Modes is unchanged.
func TestRunFindsEachStacksOutcome(t *testing.T) {
	r := Run{Outcomes: []Outcome{{Mode: "sync"}, {Mode: "events"}, {Mode: "events-orchestration"}}}
	if o := r.Of(stackmode.Orchestration); o == nil || o != &r.Outcomes[2] {
		t.Errorf("Of(orchestration) = %v", o)
	}
	b := r.Brokered()
	if len(b) != 2 || b[0].Mode != "events" || b[1].Mode != "events-orchestration" {
		t.Errorf("brokered = %v", b)
	}
	if s, e := r.Modes(); s == nil || e == nil || e.Mode != "events" {
		t.Errorf("Modes() = %v, %v", s, e)
	}
	two := Run{Outcomes: []Outcome{{Mode: "sync"}}}
	if two.Of(stackmode.Events) != nil || len(two.Brokered()) != 0 {
		t.Error("a run on sync alone has a brokered outcome")
	}
}
