package findfailure

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// logLine records what the log said of the first order tried and says it,
// with whether the orchestrator's log was one place to look (one suspect).
func logLine(mode stackmode.Mode, o *kit.Outcome, r traced) string {
	if len(r.Tried) == 0 || r.Tried[0].Failed.trail == nil {
		return ""
	}
	t := r.Tried[0].Failed.trail
	line := "; " + t.put(o)
	if mode != stackmode.Orchestration {
		return line
	}
	if t.onePlace() {
		return line + " — the orchestrator's log was one place to look: its newest message is a command with one addressee"
	}
	return line + " — the orchestrator's log was NOT one place to look: its newest message leaves " + kit.Counted(len(t.Suspects), "suspect")
}
