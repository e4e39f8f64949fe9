package comparereport

import (
	_ "embed"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
)

// questions are the five questions to ask before choosing events, each
// answered by the scenarios that measure it, with this report's numbers.
func questions(r scenario.Report, modes []string) []questionView {
	type source struct {
		scenario string
		keys     []string
	}
	qs := []struct {
		ask, why string
		from     []source
	}{
		{"What coupling problem are you solving?",
			"Events decouple availability and latency: with a service down or slow, can orders still be placed, and how fast is the answer?",
			[]source{{"downstream-down", []string{"success_pct", "accepted_pct"}}, {"slow-downstream", []string{"placement_p99_ms", "success_pct"}}}},
		{"Can your domain tolerate eventual consistency?",
			"With events the first answer is provisional: how often does a read right after the write show the old state, and how long until the status is final?",
			[]source{{"read-your-writes", []string{"stale_read_pct"}}, {"happy-path", []string{"ttc_p50_ms", "ttc_p99_ms"}}}},
		{"What does a delayed or dropped message cost?",
			"When the broker is down or a message cannot be handled, orders wait: count how many, and for how long.",
			[]source{{"broker-down", []string{"accepted_pct", "catch_up_ms", "ttc_p99_ms"}}, {"find-the-failure", []string{"recovered_ms"}}, {"poison-message", []string{"dead_letters", "dlq_ms"}}}},
		{"Can your team operate a broker?",
			"Events add a broker to run, messages to retry or dead-letter, and traces to follow across services.",
			[]source{{"broker-down", []string{"catch_up_ms", "pending_while_down"}}, {"downstream-down", []string{"backlog_events", "catch_up_ms"}}, {"find-the-failure", []string{"traces_child", "traces_link", "traces_off", "lookups_off"}}}},
		{"Is auditability worth it?",
			"An event log can be replayed to rebuild state or to audit an order: what did that take here?",
			[]source{{"replay", []string{"events_replayed", "replay_ms", "totals_match", "audit_events"}}}},
	}
	var out []questionView
	for _, q := range qs {
		qv := questionView{Ask: q.ask, Why: q.why}
		for _, src := range q.from {
			qv.Evidence = append(qv.Evidence, evidenceFor(r, src.scenario, src.keys, modes))
		}
		out = append(out, qv)
	}
	return out
}

// evidenceFor is "Label: X in sync, Y in events" for each key the
// scenario's run measured; the verdict line when it measured none of them.
func evidenceFor(r scenario.Report, name string, keys, modes []string) evidence {
	e := evidence{Scenario: name, Anchor: anchor(name), Text: "not run in this report"}
	var run *scenario.Run
	for i := range r.Runs {
		if r.Runs[i].Scenario == name {
			run = &r.Runs[i]
			break
		}
	}
	if run == nil {
		return e
	}
	e.Ran = true
	var parts []string
	for _, k := range keys {
		label, values := "", []string(nil)
		for _, m := range modes {
			o, ok := outcomeOf(*run, m)
			if !ok {
				continue
			}
			if mt, ok := o.Metric(k); ok {
				if label == "" {
					label = mt.Label
				}
				values = append(values, shortValue(mt)+" in "+m)
			}
		}
		if len(values) > 0 {
			if label == "" {
				label = k
			}
			parts = append(parts, label+": "+strings.Join(values, ", "))
		}
	}
	e.Text = strings.Join(parts, "; ")
	if len(parts) == 0 {
		e.Text = run.Verdict()
	}
	return e
}
