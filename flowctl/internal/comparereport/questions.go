package comparereport

import (
	"cmp"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// pageOneAnswers is how many scenarios answer each question on page 1: the
// most direct evidence (the answers' Place); the rest is in the list at the
// end, so the table stays one screen a manager reads first.
const pageOneAnswers = 3

// answer is one scenario's evidence for a question.
type answer struct {
	scenario string
	kit.Answer
}

// questions are the five questions to ask before choosing events, each
// answered by the scenarios whose definitions say they measure it, with this
// report's numbers: in words per mode for page 1 (Rows), as the metrics
// for the list at the end (Evidence).
func questions(r scenario.Report, modes []string) []questionView {
	var out []questionView
	for _, q := range kit.Questions {
		qv := questionView{Ask: q.Ask, Why: q.Why}
		for _, a := range answersTo(q.Question) {
			qv.Evidence = append(qv.Evidence, evidenceFor(r, a.scenario, a.Keys, modes))
			if run, ok := runOf(r, a.scenario); ok && len(qv.Rows) < pageOneAnswers {
				qv.Rows = append(qv.Rows, answerRowOf(run, a.Answer, modes))
			}
		}
		if len(qv.Rows) == 0 {
			qv.Rows = []answerRow{{Cells: slices.Repeat([]string{notMeasured(q.Question)}, len(modes))}}
		}
		out = append(out, qv)
	}
	return out
}

// notMeasured is a question's cell when no scenario of the report answers
// it: when every scenario that could is left out of `all` (scale-out needs
// PostgreSQL), how to measure it.
func notMeasured(q kit.Question) string {
	var names []string
	for _, a := range answersTo(q) {
		s, _ := scenario.Find(a.scenario)
		if s.NotInAll == "" {
			return "not measured in this report"
		}
		names = append(names, a.scenario)
	}
	if len(names) == 0 {
		return "not measured in this report"
	}
	return "not measured in this report: run `flowctl scenario " + strings.Join(names, " ") + "` (not in `all`)"
}

// answerRow is one scenario's answer to a question on page 1, a cell per
// mode.
type answerRow struct {
	Scenario, Anchor string
	Cells            []string
}

// answerRowOf says what run measured for a, per mode: the scenario's words
// (Says) when it has them for this outcome, else the answer's metrics with
// their units and n.
func answerRowOf(run scenario.Run, a kit.Answer, modes []string) answerRow {
	row := answerRow{Scenario: run.Scenario, Anchor: anchor(run.Scenario)}
	for _, m := range modes {
		o, ok := outcomeOf(run, m)
		text := notRun
		if ok && a.Says != nil {
			text = a.Says(o)
		}
		if ok && (a.Says == nil || text == "") {
			text = metricWords(o, a.Keys)
		}
		row.Cells = append(row.Cells, text)
	}
	return row
}

// metricWords is "label value (n=…)" for each of keys o recorded.
func metricWords(o scenario.Outcome, keys []scenario.MetricKey) string {
	var parts []string
	for _, k := range keys {
		if mt, ok := o.Metric(k); ok {
			parts = append(parts, labelIn(o, mt)+" "+valueWithN(o, mt))
		}
	}
	if len(parts) == 0 {
		return "not measured in this run"
	}
	return strings.Join(parts, "; ")
}

func runOf(r scenario.Report, name string) (scenario.Run, bool) {
	for _, run := range r.Runs {
		if run.Scenario == name {
			return run, true
		}
	}
	return scenario.Run{}, false
}

// answersTo are the scenarios' answers to q, in their places.
func answersTo(q kit.Question) []answer {
	var out []answer
	for _, s := range scenario.All {
		for _, a := range s.Answers {
			if a.Question == q {
				out = append(out, answer{scenario: s.Name, Answer: a})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b answer) int { return cmp.Compare(a.Place, b.Place) })
	return out
}

// evidenceFor is "Label: X in sync, Y in events" for each key the
// scenario's run measured; the verdict line when it measured none of them.
func evidenceFor(r scenario.Report, name string, keys []scenario.MetricKey, modes []string) evidence {
	e := evidence{Scenario: name, Anchor: anchor(name), Text: "not run in this report"}
	run, ok := runOf(r, name)
	if !ok {
		return e
	}
	e.Ran = true
	var parts []string
	for _, k := range keys {
		label, values := "", []string(nil)
		for _, m := range modes {
			o, ok := outcomeOf(run, m)
			if !ok {
				continue
			}
			if mt, ok := o.Metric(k); ok {
				if label == "" {
					label = labelIn(o, mt)
				}
				values = append(values, valueWithN(o, mt)+" in "+stackLabel(m, modes))
			}
		}
		if len(values) > 0 {
			parts = append(parts, label+": "+strings.Join(values, ", "))
		}
	}
	e.Text = strings.Join(parts, "; ")
	if len(parts) == 0 {
		e.Text = run.Verdict()
	}
	return e
}
