package comparereport

import (
	"cmp"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// answer is one scenario's evidence for a question.
type answer struct {
	scenario string
	kit.Answer
}

// questions are the five questions to ask before choosing events, each
// answered by the scenarios whose definitions say they measure it, with this
// report's numbers.
func questions(r scenario.Report, modes []string) []questionView {
	var out []questionView
	for _, q := range kit.Questions {
		qv := questionView{Ask: q.Ask, Why: q.Why}
		for _, a := range answersTo(q.Question) {
			qv.Evidence = append(qv.Evidence, evidenceFor(r, a.scenario, a.Keys, modes))
		}
		out = append(out, qv)
	}
	return out
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
					label = labelOf(mt)
				}
				values = append(values, shortValue(mt)+" in "+m)
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
