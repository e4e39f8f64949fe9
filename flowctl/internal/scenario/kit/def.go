// Package kit is what every scenario is made of: its definition (About,
// Spec, Def), the metrics and questions it declares, the Env and Target it
// runs against, the outcome it reports, and the helpers scenarios share
// (batches, follows, stock, backlogs, formats).
package kit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// About is what a scenario says of itself, for `scenario list` and the
// report: its claim, the metrics it can record, which of them sum it up
// and which questions they answer.
type About struct {
	Name string
	// Summary is the one line `scenario list` shows.
	Summary string
	// Claim is the article's claim the scenario measures.
	Claim string
	// Metrics are every metric the scenario can record, in any mode.
	Metrics []MetricDef
	// Headline are the metrics the summary row shows, in the order it picks
	// them (the first three the outcome has).
	Headline []MetricKey
	// Answers are its evidence for the five questions.
	Answers []Answer
	// NotInAll, when set, is why `all` leaves the scenario out (it needs
	// what a default stack lacks: PostgreSQL for replicas); it runs when
	// named.
	NotInAll string
}

// Spec is one scenario as its package writes it: Run measures one mode
// into M, Judge turns that into the mode's outcome (metrics, verdict,
// holds), and Across, when set, judges the modes against each other once
// every mode ran — a claim such as "events cost no more than sync" needs both.
type Spec[M any] struct {
	About
	Run    func(ctx context.Context, e *Env, t Target) (M, error)
	Judge  func(mode stackmode.Mode, m M) Outcome
	Across func(r *Run)
}

// Def is a scenario ready to run, whatever it measures.
type Def struct {
	About
	run    func(ctx context.Context, e *Env, t Target) (Outcome, error)
	across func(r *Run)
}

// Define makes s a Def. Every Def records the ledger check's breaches
// (LedgerBreaches), whatever it measures.
func Define[M any](s Spec[M]) Def {
	d := Def{About: s.About, across: s.Across}
	d.Metrics = append(slices.Clip(d.Metrics), LedgerBreaches)
	if s.Run != nil && s.Judge != nil {
		d.run = func(ctx context.Context, e *Env, t Target) (Outcome, error) {
			m, err := s.Run(ctx, e, t)
			if err != nil {
				return Outcome{}, err
			}
			return s.Judge(t.Mode, m), nil
		}
	}
	return d
}

// Run runs the scenario against each mode in turn (one after the other, so
// neither mode's numbers pay for the other's load on a small machine).
func (d Def) Run(ctx context.Context, e *Env, modes []stackmode.Mode) (Run, error) {
	r := Run{Scenario: d.Name, Claim: d.Claim}
	for _, m := range modes {
		t, err := e.Target(m)
		if err != nil {
			return r, err
		}
		e.Step("%s · %s", d.Name, m)
		start := time.Now()
		o, err := d.run(ctx, e, t)
		o.Scenario, o.Mode, o.Started = d.Name, string(m), start
		o.TookMS = float64(time.Since(start).Milliseconds())
		if err != nil {
			return r, fmt.Errorf("scenario %s (%s): %w", d.Name, m, err)
		}
		e.judgeLedger(ctx, t, &o)
		r.Outcomes = append(r.Outcomes, o)
	}
	if d.across != nil {
		d.across(&r)
	}
	return r, nil
}

// Metric is the scenario's definition of key.
func (d Def) Metric(key MetricKey) (MetricDef, bool) {
	for _, m := range d.Metrics {
		if m.Key == key {
			return m, true
		}
	}
	return MetricDef{}, false
}

// Undeclared lists the metrics of o the scenario does not declare, or
// declares with another unit: what a judge's test checks its outcome by.
func (d Def) Undeclared(o Outcome) []string {
	var out []string
	for _, m := range o.Metrics {
		def, ok := d.Metric(m.Key)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: not among %s's metrics", m.Key, d.Name))
		case def.Unit != UnitCurrency && def.Unit.Shown() != m.Unit:
			out = append(out, fmt.Sprintf("%s: recorded in %q, declared in %q", m.Key, m.Unit, def.Unit.Shown()))
		}
	}
	return out
}
