package kit

import (
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// Metric is one measured number of an outcome.
type Metric struct {
	// Key is stable, for scripts and the report ("placement_p99_ms").
	Key   MetricKey `json:"key"`
	Label string    `json:"label"`
	Value float64   `json:"value"`
	// Unit is "ms", "s", "%", "orders", "events", "traces", "spans" or "".
	Unit string `json:"unit"`
}

// Outcome is one scenario run against one mode.
type Outcome struct {
	Scenario string `json:"scenario"`
	Mode     string `json:"mode"`
	// Verdict is the mode's half of the verdict line, starting with the
	// mode: "sync: 0 of 50 orders placed while inventory was down".
	Verdict string `json:"verdict"`
	// Holds says whether the run showed what the scenario claims for this
	// mode; the tests assert it, the report marks it.
	Holds   bool     `json:"holds"`
	Metrics []Metric `json:"metrics"`
	// Placement and TimeToFinal are the raw samples (ms) behind the charts.
	Placement   []float64      `json:"placement_ms,omitempty"`
	TimeToFinal []float64      `json:"time_to_final_ms,omitempty"`
	ByStatus    map[string]int `json:"by_status,omitempty"`
	// Details are further lines to show: an order's trace, its audit trail.
	Details []string  `json:"details,omitempty"`
	Started time.Time `json:"started"`
	TookMS  float64   `json:"took_ms"`
}

// Metric returns the metric with key k.
func (o Outcome) Metric(k MetricKey) (Metric, bool) {
	for _, m := range o.Metrics {
		if m.Key == k {
			return m, true
		}
	}
	return Metric{}, false
}

// Value is the value of metric k, or 0.
func (o Outcome) Value(k MetricKey) float64 {
	m, _ := o.Metric(k)
	return m.Value
}

// Put records v as d, under d's label.
func (o *Outcome) Put(d MetricDef, v float64) { o.PutAs(d, d.Label, v) }

// PutAs records v as d under a label of this run's ("… (n=12)").
func (o *Outcome) PutAs(d MetricDef, label string, v float64) {
	o.Metrics = append(o.Metrics, Metric{Key: d.Key, Label: label, Value: v, Unit: d.Unit.Shown()})
}

// PutMoney records an amount of d in currency (an ISO 4217 code).
func (o *Outcome) PutMoney(d MetricDef, v float64, currency string) {
	o.Metrics = append(o.Metrics, Metric{Key: d.Key, Label: d.Label, Value: v, Unit: currency})
}

// Run is one scenario against one or both modes.
type Run struct {
	Scenario string    `json:"scenario"`
	Claim    string    `json:"claim"`
	Outcomes []Outcome `json:"outcomes"`
}

// Modes are the run's sync and events outcomes (nil when a mode did not
// run), for a judge that compares them.
func (r *Run) Modes() (sync, events *Outcome) {
	for i := range r.Outcomes {
		switch r.Outcomes[i].Mode {
		case string(stackmode.Sync):
			sync = &r.Outcomes[i]
		case string(stackmode.Events):
			events = &r.Outcomes[i]
		}
	}
	return sync, events
}

// Of is the run's outcome on stack m (nil when m did not run): what a judge
// of the three stacks asks for.
func (r *Run) Of(m stackmode.Mode) *Outcome {
	for i := range r.Outcomes {
		if r.Outcomes[i].Mode == string(m) {
			return &r.Outcomes[i]
		}
	}
	return nil
}

// Brokered are the run's outcomes on the stacks that talk through the
// broker (events and events-orchestration), in the run's order: what a
// judge compares with sync one by one.
func (r *Run) Brokered() []*Outcome {
	var out []*Outcome
	for i := range r.Outcomes {
		if stackmode.Mode(r.Outcomes[i].Mode).Kafka() {
			out = append(out, &r.Outcomes[i])
		}
	}
	return out
}

// Verdict is the run's verdict line: the modes' halves joined.
func (r Run) Verdict() string {
	parts := make([]string, 0, len(r.Outcomes))
	for _, o := range r.Outcomes {
		parts = append(parts, o.Verdict)
	}
	return strings.Join(parts, "; ")
}

// Report is what `scenario --json` prints and `compare` records.
type Report struct {
	Started time.Time `json:"started"`
	Runtime string    `json:"runtime"`
	// LogBefore is how big the events stack's log was when the run began
	// (nil: no events stack in the run, or a recording from before it was
	// kept). LogsBefore has it too, beside the other brokered stacks'.
	LogBefore *LogSize `json:"log_before,omitempty"`
	// LogsBefore is each brokered stack's log when the run began, by mode
	// (nil in recordings from before the third stack).
	LogsBefore map[string]LogSize `json:"logs_before,omitempty"`
	Runs       []Run              `json:"runs"`
}
