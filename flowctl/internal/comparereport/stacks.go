package comparereport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// notRun is a cell of a stack the report has but this scenario did not run
// on; "–" stays what a stack that ran did not measure.
const notRun = "not run"

// stackLabel names mode in the report's headers, legends and verdicts: its
// Mode's string, except that the choreographed stack is
// "events-choreography" beside the orchestrated one, where "events" alone
// would not say which of the two it is.
func stackLabel(mode string, modes []string) string {
	if mode == string(stackmode.Events) && slices.Contains(modes, string(stackmode.Orchestration)) {
		return "events-choreography"
	}
	return mode
}

func stackLabels(modes []string) []string {
	out := make([]string, len(modes))
	for i, m := range modes {
		out[i] = stackLabel(m, modes)
	}
	return out
}

// reportModes are the stacks of the report's outcomes, the report's columns:
// sync, events, events-orchestration, then any other in the order met, so a
// report has a column for each stack that ran and no other.
func reportModes(r scenario.Report) []string {
	seen := map[string]bool{}
	var met []string
	for _, run := range r.Runs {
		for _, o := range run.Outcomes {
			if !seen[o.Mode] {
				seen[o.Mode] = true
				met = append(met, o.Mode)
			}
		}
	}
	var modes []string
	for _, m := range stackmode.All {
		if seen[string(m)] {
			modes = append(modes, string(m))
		}
	}
	for _, m := range met {
		if !slices.Contains(modes, m) {
			modes = append(modes, m)
		}
	}
	return modes
}

// verdictLine is one stack's verdict of a scenario.
type verdictLine struct{ Label, Text string }

// verdictLines are the run's verdicts, a line per stack in the report's
// column order, each led by its stack's label. A verdict recorded as
// "events: …" by the orchestrated stack is named for the stack that ran it:
// the report names a stack by its outcome's mode, never by what its text says.
func verdictLines(run scenario.Run, modes []string) []verdictLine {
	var out []verdictLine
	for _, m := range modes {
		o, ok := outcomeOf(run, m)
		if !ok || o.Verdict == "" {
			continue
		}
		label := stackLabel(m, modes)
		out = append(out, verdictLine{Label: label, Text: label + ": " + withoutStackName(o.Verdict, m, label)})
	}
	return out
}

// withoutStackName is v without its leading "<stack>: " (the orchestrated
// stack's may say "events: ", the name its judges shared with choreography).
func withoutStackName(v, mode, label string) string {
	names := []string{label, mode}
	if mode == string(stackmode.Orchestration) {
		names = append(names, string(stackmode.Events))
	}
	for _, name := range names {
		if rest, ok := strings.CutPrefix(v, name+": "); ok {
			return rest
		}
	}
	return v
}

// stackLog is one brokered stack's log when the run began.
type stackLog struct {
	Label string
	kit.LogSize
}

// logsBefore are the report's brokered stacks' logs, in column order.
func logsBefore(r scenario.Report, modes []string) []stackLog {
	var out []stackLog
	for _, m := range modes {
		if l, ok := r.LogsBefore[m]; ok {
			out = append(out, stackLog{Label: stackLabel(m, modes), LogSize: l})
		}
	}
	return out
}

// logsMeta says each stack's log and, once, the broker's log dir: the
// stacks share one broker, so its bytes are not any one stack's.
func logsMeta(logs []stackLog) string {
	parts := make([]string, len(logs))
	for i, l := range logs {
		parts[i] = fmt.Sprintf("%s %d events", l.Label, l.Events)
	}
	line := "logs before the run: " + strings.Join(parts, ", ")
	if l := logs[0]; l.BytesMeasured {
		line += "; " + stats.Bytes(float64(l.Bytes)) + " written in the broker's log dir"
	}
	return line
}
