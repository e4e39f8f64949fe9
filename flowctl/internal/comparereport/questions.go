package comparereport

import (
	_ "embed"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
)

// source is a scenario and the metrics of it that answer a question.
type source struct {
	scenario string
	keys     []scenario.MetricKey
}

// questionTable are the five questions and the metrics that answer each.
var questionTable = []struct {
	ask, why string
	from     []source
}{
	{"What coupling problem are you solving?",
		"Events decouple availability and latency: with a service down, slow or being redeployed, can orders still be placed, and how fast is the answer? And can a new consumer learn the past without asking the producer?",
		[]source{{"downstream-down", []scenario.MetricKey{scenario.KeySuccessPct, scenario.KeyAcceptedPct}}, {"slow-downstream", []scenario.MetricKey{scenario.KeyPlacementP99MS, scenario.KeySuccessPct}},
			{"independent-evolution", []scenario.MetricKey{scenario.KeyLateOrdersPct, scenario.KeyLateRequests, scenario.KeyDeployFailed, scenario.KeyDeployAddedTailMS}}}},
	{"Can your domain tolerate eventual consistency?",
		"With events the first answer is provisional: how often does a read right after the write show the old state, how long until the status is final, and how many customers told 'accepted' learn later that their order was rejected?",
		[]source{{"read-your-writes", []scenario.MetricKey{scenario.KeyStaleReadPct}}, {"happy-path", []scenario.MetricKey{scenario.KeyTTCP50MS, scenario.KeyTTCP99MS}},
			{"late-rejection", []scenario.MetricKey{scenario.KeyLateRejected, scenario.KeyRejectedInAnswer, scenario.KeyLateRejectionP50MS}}}},
	{"What does a delayed or dropped message cost?",
		"When the broker is down or a message cannot be handled, orders wait: count how many, and for how long. When a message is dropped (a crash between the commit and the publish), an order waits forever.",
		[]source{{"broker-down", []scenario.MetricKey{scenario.KeyAcceptedPct, scenario.KeyCatchUpMS, scenario.KeyTTCP99MS}}, {"find-the-failure", []scenario.MetricKey{scenario.KeyRecoveredMS}}, {"poison-message", []scenario.MetricKey{scenario.KeyDeadLetters, scenario.KeyDLQMS}},
			{"dual-write", []scenario.MetricKey{scenario.KeyStuckDirect, scenario.KeyStuckOutbox, scenario.KeyStuckSync}}}},
	{"Can your team operate a broker?",
		"Events add a broker to run, messages to retry or dead-letter, and traces to follow across services.",
		[]source{{"broker-down", []scenario.MetricKey{scenario.KeyCatchUpMS, scenario.KeyPendingWhileDown}}, {"downstream-down", []scenario.MetricKey{scenario.KeyBacklogEvents, scenario.KeyCatchUpMS}}, {"find-the-failure", []scenario.MetricKey{scenario.KeyTracesChild, scenario.KeyTracesLink, scenario.KeyTracesOff, scenario.KeyLookupsOff}},
			{"ops-cost", []scenario.MetricKey{scenario.KeyOpsComponents, scenario.KeyOpsMustBeHealthy, scenario.KeyOpsRSSMiB, scenario.KeyOpsCPUMSPerOrder, scenario.KeyOpsLogBytesPer1000}}}},
	{"Is auditability worth it?",
		"An event log can be replayed to rebuild state or to audit an order: what did that take here?",
		[]source{{"replay", []scenario.MetricKey{scenario.KeyEventsReplayed, scenario.KeyReplayMS, scenario.KeyTotalsMatch, scenario.KeyAuditEvents}}}},
}

// questions are the five questions to ask before choosing events, each
// answered by the scenarios that measure it, with this report's numbers.
func questions(r scenario.Report, modes []string) []questionView {
	qs := questionTable
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
func evidenceFor(r scenario.Report, name string, keys []scenario.MetricKey, modes []string) evidence {
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
				label = string(k)
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
