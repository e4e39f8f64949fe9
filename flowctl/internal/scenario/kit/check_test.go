package kit

import (
	"context"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// sample is a scenario that passes Check: one metric of its own, the load
// metrics, a headline and an answer to every question.
func sample(name string, change func(*About)) Def {
	own := MetricDef{Key: "own_ms", Label: "own time", Short: "own", Unit: UnitMS}
	a := About{Name: name, Summary: "s", Claim: "c", Metrics: append(LoadMetrics(), own),
		Headline: []MetricKey{own.Key, SuccessPct.Key}}
	for _, q := range Questions {
		a.Answers = append(a.Answers, Answer{Question: q.Question, Place: 1, Keys: []MetricKey{own.Key}})
	}
	if change != nil {
		change(&a)
	}
	return Define(Spec[int]{About: a,
		Run:   func(context.Context, *Env, Target) (int, error) { return 0, nil },
		Judge: func(stackmode.Mode, int) Outcome { return Outcome{} }})
}

// TestCheckCatchesBrokenDefinitions: each case breaks one thing the report
// relies on; Check must name it.
func TestCheckCatchesBrokenDefinitions(t *testing.T) {
	if errs := Check([]Def{sample("fine", nil)}); len(errs) > 0 {
		t.Fatalf("a sound definition: %v", errs)
	}
	other := func(change func(*About)) Def {
		return sample("other", func(a *About) {
			a.Answers = nil
			change(a)
		})
	}
	for _, c := range []struct {
		name string
		defs []Def
		want string
	}{
		{"a metric without a label", []Def{sample("x", func(a *About) { a.Metrics[len(a.Metrics)-1].Label = "" })}, "lacks a key, label, short label or unit"},
		{"a metric without a short label", []Def{sample("x", func(a *About) { a.Metrics[0].Short = "" })}, "lacks a key, label, short label or unit"},
		{"a metric without a unit", []Def{sample("x", func(a *About) { a.Metrics[0].Unit = "" })}, "lacks a key, label, short label or unit"},
		{"one key, two labels", []Def{sample("x", nil), other(func(a *About) {
			a.Metrics = append(a.Metrics, MetricDef{Key: "own_ms", Label: "another time", Short: "own", Unit: UnitMS})
		})}, "defines own_ms as"},
		{"one key, two units", []Def{sample("x", nil), other(func(a *About) {
			a.Metrics = append(a.Metrics, MetricDef{Key: "own_ms", Label: "own time", Short: "own", Unit: UnitSeconds})
		})}, "defines own_ms as"},
		{"a question reads a key no scenario records", []Def{sample("x", func(a *About) { a.Answers[2].Keys = []MetricKey{"nobody_ms"} })},
			"answers question 3 with nobody_ms, which it does not record"},
		{"a headline names a key the scenario does not record", []Def{sample("x", func(a *About) { a.Headline = append(a.Headline, "nobody_ms") })},
			"the headline names nobody_ms"},
		{"a question nobody answers", []Def{sample("x", func(a *About) { a.Answers = a.Answers[1:] })}, "no scenario answers"},
		{"two answers in one place", []Def{sample("x", nil), other(func(a *About) {
			a.Answers = []Answer{{Question: Coupling, Place: 1, Keys: []MetricKey{SuccessPct.Key}}}
		})}, "both answer question 1 in place 1"},
		{"a scenario twice", []Def{sample("x", nil), sample("x", nil)}, "defined twice"},
		{"a scenario that cannot run", []Def{Define(Spec[int]{About: sample("x", nil).About})}, "run set false"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := Check(c.defs)
			var all []string
			for _, err := range errs {
				all = append(all, err.Error())
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Errorf("Check = %q, want an error with %q", all, c.want)
			}
		})
	}
}

func TestFamilyKeys(t *testing.T) {
	f := Family{Prefix: "traces_", Members: []string{"child", "off"},
		Of: func(m string) MetricDef { return MetricDef{Label: "traces (" + m + ")", Short: m, Unit: UnitTraces} }}
	defs := f.Defs()
	if len(defs) != 2 || defs[0].Key != "traces_child" || defs[1].Key != f.Key("off") || defs[1].Label != "traces (off)" {
		t.Errorf("defs = %+v", defs)
	}
}

func TestUndeclared(t *testing.T) {
	d := sample("x", nil)
	var o Outcome
	o.Put(SuccessPct, 100)
	o.Metrics = append(o.Metrics, Metric{Key: "own_ms", Unit: "s"}, Metric{Key: "stray"})
	got := strings.Join(d.Undeclared(o), "\n")
	if !strings.Contains(got, "own_ms: recorded in \"s\"") || !strings.Contains(got, "stray: not among") || strings.Contains(got, "success_pct") {
		t.Errorf("Undeclared = %q", got)
	}
}
