package kit

import (
	"fmt"
	"slices"
)

// Check finds what would leave the report wrong or silently empty: a
// scenario that cannot explain or run itself, a metric without a label,
// short label or unit, one key defined two ways, a headline or an answer
// naming a key its scenario does not record, and a question no scenario
// answers or two answers in one place.
func Check(defs []Def) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	names := map[string]bool{}
	byKey := map[MetricKey]MetricDef{}
	owner := map[MetricKey]string{}
	places := map[Question]map[int]string{}
	for _, d := range defs {
		if names[d.Name] {
			bad("scenario %s is defined twice", d.Name)
		}
		names[d.Name] = true
		if d.Name == "" || d.Summary == "" || d.Claim == "" || d.run == nil {
			bad("scenario %q: summary %q, claim %q, run set %v", d.Name, d.Summary, d.Claim, d.run != nil)
		}
		for _, m := range d.Metrics {
			if m.Key == "" || m.Label == "" || m.Short == "" || m.Unit == "" {
				bad("%s: metric %q lacks a key, label, short label or unit: %+v", d.Name, m.Key, m)
			}
			if prev, ok := byKey[m.Key]; ok && prev != m {
				bad("%s defines %s as %+v, %s as %+v", owner[m.Key], m.Key, prev, d.Name, m)
				continue
			}
			byKey[m.Key], owner[m.Key] = m, d.Name
		}
		records := func(k MetricKey) bool { _, ok := d.Metric(k); return ok }
		for _, k := range d.Headline {
			if !records(k) {
				bad("%s: the headline names %s, which it does not record", d.Name, k)
			}
		}
		for _, a := range d.Answers {
			if !slices.ContainsFunc(Questions, func(q Asked) bool { return q.Question == a.Question }) {
				bad("%s answers question %d, which is not asked", d.Name, a.Question)
			}
			if len(a.Keys) == 0 {
				bad("%s answers question %d with no metric", d.Name, a.Question)
			}
			for _, k := range a.Keys {
				if !records(k) {
					bad("%s answers question %d with %s, which it does not record", d.Name, a.Question, k)
				}
			}
			if places[a.Question] == nil {
				places[a.Question] = map[int]string{}
			}
			if other, ok := places[a.Question][a.Place]; ok {
				bad("%s and %s both answer question %d in place %d", other, d.Name, a.Question, a.Place)
			}
			places[a.Question][a.Place] = d.Name
		}
	}
	for _, q := range Questions {
		if len(places[q.Question]) == 0 {
			bad("no scenario answers %q", q.Ask)
		}
	}
	return errs
}
