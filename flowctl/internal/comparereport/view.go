package comparereport

import (
	_ "embed"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

type compareView struct {
	Title   string
	Date    string
	Runtime string
	// LogBefore is how big the events log was when the run began (nil:
	// unknown, or no events stack).
	LogBefore *kit.LogSize
	// LogsBefore are each brokered stack's, in column order (the Meta
	// says them when there are more than the events stack's).
	LogsBefore []stackLog
	// Modes are the report's stacks, sync first: the columns of every
	// table; Labels are their headers (stackLabel).
	Modes     []string
	Labels    []string
	Summary   []summaryRow
	Sections  []sectionView
	Questions []questionView
	// Overview are the charts across scenarios (HTML only).
	Overview []template.HTML
	// Legend is the colour of each mode, for the HTML's table headers.
	Legend []modeColour
}

type modeColour struct{ Mode, Label, Class, Colour string }

// Meta is the line under the title: when, on what, how much.
func (v compareView) Meta() string {
	var parts []string
	if v.Date != "" {
		parts = append(parts, "Recorded "+v.Date)
	}
	if v.Runtime != "" {
		parts = append(parts, "runtime: "+v.Runtime)
	}
	if len(v.LogsBefore) > 1 {
		parts = append(parts, logsMeta(v.LogsBefore))
	} else if l := v.LogBefore; l != nil {
		log := fmt.Sprintf("events log before the run: %d events", l.Events)
		if l.BytesMeasured {
			log += ", " + stats.Bytes(float64(l.Bytes)) + " written in the broker's log dir"
		}
		parts = append(parts, log)
	}
	parts = append(parts, fmt.Sprintf("%d scenarios, stacks %s", len(v.Sections), andList(v.Labels)))
	return strings.Join(parts, " · ")
}

// cell is one mode's part of a run.
type cell struct {
	Mode    string
	Label   string
	Text    string
	Present bool
	Holds   bool
}

type summaryRow struct {
	Scenario, Anchor string
	Cells            []cell
}

type metricRow struct {
	Label  string
	Values []string
}

type detailsView struct {
	Label string
	Lines []string
}

type sectionView struct {
	Scenario, Anchor, Claim string
	// Lead are lines a scenario's section opens with (scale-out: the
	// replicas against the cores), before its verdicts.
	Lead     []string
	Verdicts []verdictLine
	Holds    []cell
	Metrics  []metricRow
	Details  []detailsView
	// Charts and Notes are HTML only: the CDFs, and what could not be drawn.
	Charts []template.HTML
	Notes  []string
}

type questionView struct {
	Ask, Why string
	// Rows are page 1's answers, Evidence the list at the end.
	Rows     []answerRow
	Evidence []evidence
}

// RowSpan is how many rows the question's cell spans on page 1 (HTML).
func (q questionView) RowSpan() int { return len(q.Rows) }

// evidence is what one scenario of this report says about a question.
type evidence struct {
	Scenario, Anchor string
	Ran              bool
	Text             string
}

func newCompareView(r scenario.Report, charts bool) compareView {
	r = confirmedOnly(r)
	v := compareView{Runtime: r.Runtime, LogBefore: r.LogBefore, Modes: reportModes(r)}
	v.Labels = stackLabels(v.Modes)
	v.LogsBefore = logsBefore(r, v.Modes)
	v.Title = "orderflow: " + strings.Join(v.Labels, " vs ")
	if !r.Started.IsZero() {
		v.Title += ", " + r.Started.UTC().Format("2006-01-02")
		v.Date = r.Started.UTC().Format("2006-01-02 15:04 UTC")
	}
	for i, m := range v.Modes {
		v.Legend = append(v.Legend, modeColour{Mode: m, Label: v.Labels[i], Class: cssClass(m), Colour: modeColor(m, i)})
	}
	for _, run := range r.Runs {
		row := summaryRow{Scenario: run.Scenario, Anchor: anchor(run.Scenario)}
		s := sectionView{Scenario: run.Scenario, Anchor: row.Anchor, Claim: run.Claim, Verdicts: verdictLines(run, v.Modes),
			Lead: scaleOutLead(run, v.Modes)}
		for i, m := range v.Modes {
			c := cell{Mode: m, Label: v.Labels[i], Text: notRun}
			if o, ok := outcomeOf(run, m); ok {
				c.Text, c.Present, c.Holds = keyNumbers(o), true, o.Holds
				if len(o.Details) > 0 {
					s.Details = append(s.Details, detailsView{Label: v.Labels[i], Lines: o.Details})
				}
			}
			row.Cells = append(row.Cells, c)
		}
		s.Holds = row.Cells
		s.Metrics = metricRows(run, v.Modes)
		if charts {
			s.Charts, s.Notes = scenarioCharts(run, v.Modes)
		}
		v.Summary = append(v.Summary, row)
		v.Sections = append(v.Sections, s)
	}
	v.Questions = questions(r, v.Modes)
	if charts {
		v.Overview = overviewCharts(r, v.Modes)
	}
	return v
}

func outcomeOf(run scenario.Run, mode string) (scenario.Outcome, bool) {
	for _, o := range run.Outcomes {
		if o.Mode == mode {
			return o, true
		}
	}
	return scenario.Outcome{}, false
}

// shortValue is formatValue, with a yes/no metric said in words: the
// summary's numbers keep their units ("memory 130 MiB", not "130.2").
func shortValue(m scenario.Metric) string {
	if yesNo(m.Key) {
		return map[bool]string{true: "yes", false: "NO"}[m.Value == 1]
	}
	return formatValue(m)
}

// unitOf is the unit a metric was recorded in, or its definition's when the
// recording has none (counts were recorded bare before they had nouns).
func unitOf(m scenario.Metric) string {
	if m.Unit == "" {
		if d, ok := scenario.MetricOf(m.Key); ok {
			return d.Unit.Shown()
		}
	}
	return m.Unit
}

// formatValue formats a metric with its unit (kit.FormatValue), the
// definition's unit when the recording has none.
func formatValue(m scenario.Metric) string { return kit.FormatValue(m.Value, unitOf(m)) }

// metricRows are every metric of the run's outcomes side by side (in the
// order first met), then the final statuses, the run's duration and whether
// it holds; a mode without the metric shows "–", a stack the scenario did
// not run on "not run".
func metricRows(run scenario.Run, modes []string) []metricRow {
	var keys []scenario.MetricKey
	labels := map[scenario.MetricKey]string{}
	for _, m := range modes {
		o, _ := outcomeOf(run, m)
		for _, mt := range o.Metrics {
			if _, ok := labels[mt.Key]; !ok {
				keys = append(keys, mt.Key)
				labels[mt.Key] = labelIn(o, mt)
			}
		}
	}
	perMode := func(label string, f func(scenario.Outcome) string) metricRow {
		row := metricRow{Label: label}
		for _, m := range modes {
			o, ok := outcomeOf(run, m)
			v := notRun
			if ok {
				v = f(o)
			}
			row.Values = append(row.Values, v)
		}
		return row
	}
	var rows []metricRow
	for _, k := range keys {
		rows = append(rows, perMode(labels[k], func(o scenario.Outcome) string {
			if mt, ok := o.Metric(k); ok {
				return shortValue(mt)
			}
			return "–"
		}))
	}
	rows = append(rows,
		perMode("final status", func(o scenario.Outcome) string { return statusCounts(o.ByStatus) }),
		perMode("took", func(o scenario.Outcome) string { return stats.Ms(o.TookMS) }),
		perMode("holds", func(o scenario.Outcome) string { return tick(o.Holds) }),
	)
	return rows
}

func statusCounts(by map[string]int) string {
	if len(by) == 0 {
		return "–"
	}
	keys := slices.Sorted(maps.Keys(by))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, by[k])
	}
	return strings.Join(parts, " · ")
}

func tick(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// holdsText is "sync ✓ events ✗" for the stacks that ran.
func holdsText(cells []cell, sep string) string {
	var parts []string
	for _, c := range cells {
		if c.Present {
			parts = append(parts, c.Label+" "+tick(c.Holds))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, sep)
}

// andList is "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
