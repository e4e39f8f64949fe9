package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/orderflow/flowctl/internal/scenario"
)

// The files WriteCompare writes into a report's directory.
const (
	ReportMarkdown = "report.md"
	ReportHTML     = "report.html"
	ResultsJSON    = "results.json"
)

//go:embed compare.html.tmpl
var compareHTMLSrc string

// compareTmpl is parsed once: a broken template is a programming error, and
// html/template escapes every value put into it (the verdicts come from
// measurements and may hold "<" or "&").
var compareTmpl = template.Must(template.New("report.html").Parse(compareHTMLSrc))

// CompareTable writes the terminal summary of `flowctl compare`: a row per
// scenario with each mode's key numbers and whether the run showed what the
// scenario claims, then every run's full verdict line.
func CompareTable(w io.Writer, r scenario.Report) {
	v := newCompareView(r, false)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"SCENARIO"}
	for _, m := range v.Modes {
		head = append(head, strings.ToUpper(m))
	}
	fmt.Fprintln(tw, strings.Join(append(head, "HOLDS"), "\t"))
	for _, row := range v.Summary {
		cols := []string{row.Scenario}
		for _, c := range row.Cells {
			cols = append(cols, c.Text)
		}
		fmt.Fprintln(tw, strings.Join(append(cols, holdsText(row.Cells, " ")), "\t"))
	}
	tw.Flush()
	if len(v.Sections) > 0 {
		fmt.Fprintln(w, "\nVerdicts")
	}
	for _, s := range v.Sections {
		fmt.Fprintf(w, "  %s: %s\n", s.Scenario, s.Verdict)
	}
}

// CompareMarkdown writes report.md: the summary table, a section per scenario
// with every metric side by side, and the questions to ask before choosing
// events, answered with this report's numbers.
func CompareMarkdown(w io.Writer, r scenario.Report) error {
	v := newCompareView(r, false)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(v.Title))
	if meta := v.Meta(); meta != "" {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(meta))
	}

	b.WriteString("## Summary\n\n")
	head := []string{"Scenario"}
	for _, m := range v.Modes {
		head = append(head, mdCell(m))
	}
	mdRow(&b, append(head, "Holds"))
	mdRow(&b, slices.Repeat([]string{"---"}, len(head)+1))
	for _, row := range v.Summary {
		cols := []string{fmt.Sprintf("[%s](#%s)", mdCell(row.Scenario), row.Anchor)}
		for _, c := range row.Cells {
			cols = append(cols, mdCell(c.Text))
		}
		mdRow(&b, append(cols, holdsText(row.Cells, " · ")))
	}

	for _, s := range v.Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", mdEscape(s.Scenario))
		if s.Claim != "" {
			fmt.Fprintf(&b, "> %s\n\n", mdEscape(oneLine(s.Claim)))
		}
		fmt.Fprintf(&b, "**Verdict:** %s\n\n", mdEscape(oneLine(s.Verdict)))
		head := []string{"Metric"}
		align := []string{"---"}
		for _, m := range v.Modes {
			head, align = append(head, mdCell(m)), append(align, "---:")
		}
		mdRow(&b, head)
		mdRow(&b, align)
		for _, m := range s.Metrics {
			mdRow(&b, append([]string{mdCell(m.Label)}, mdCells(m.Values)...))
		}
		for _, d := range s.Details {
			f := fence(d.Lines)
			fmt.Fprintf(&b, "\n**%s details**\n\n%stext\n%s\n%s\n", mdEscape(d.Mode), f, strings.Join(d.Lines, "\n"), f)
		}
	}

	b.WriteString("\n## Questions to ask before choosing events\n\n")
	for i, q := range v.Questions {
		fmt.Fprintf(&b, "%d. **%s** %s\n", i+1, mdEscape(q.Ask), mdEscape(q.Why))
		for _, e := range q.Evidence {
			name := mdEscape(e.Scenario)
			if e.Ran {
				name = fmt.Sprintf("[%s](#%s)", name, e.Anchor)
			}
			fmt.Fprintf(&b, "   - %s: %s\n", name, mdEscape(e.Text))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// CompareHTML writes report.html: the Markdown's content plus SVG charts, in
// one file with nothing to fetch, so it can be mailed or archived as it is.
func CompareHTML(w io.Writer, r scenario.Report) error {
	var b bytes.Buffer
	if err := compareTmpl.Execute(&b, newCompareView(r, true)); err != nil {
		return fmt.Errorf("render report.html: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteCompare creates dir and writes report.md, report.html and results.json
// into it, returning their paths. results.json is written first: it is what
// a report can be rendered again from.
func WriteCompare(dir string, r scenario.Report) (files []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(finiteOnly(r), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode results: %w", err)
	}
	results := filepath.Join(dir, ResultsJSON)
	if err := os.WriteFile(results, append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name   string
		render func(io.Writer, scenario.Report) error
	}{{ReportMarkdown, CompareMarkdown}, {ReportHTML, CompareHTML}} {
		var b bytes.Buffer
		if err := f.render(&b, r); err != nil {
			return nil, err
		}
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return append(files, results), nil
}

// ReadReport reads a results.json written by WriteCompare (or printed by
// `scenario --json`), so a report can be rendered again from recorded results.
func ReadReport(path string) (scenario.Report, error) {
	var r scenario.Report
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("%s: %w", path, err)
	}
	// Any JSON object decodes into a Report; without runs it was most likely
	// another file (a demo's --json), and an empty report would hide that.
	if len(r.Runs) == 0 {
		return r, fmt.Errorf("%s: no scenario runs: not a compare results.json?", path)
	}
	return r, nil
}

// finiteOnly returns r without the metric values and samples that JSON cannot
// hold (NaN, ±Inf: a percentile of no samples), so that one unmeasured number
// does not lose the whole recording; the reports show a missing metric as "–"
// just as they show a NaN.
func finiteOnly(r scenario.Report) scenario.Report {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	out := r
	out.Runs = make([]scenario.Run, len(r.Runs))
	for i, run := range r.Runs {
		run.Outcomes = append([]scenario.Outcome(nil), run.Outcomes...)
		for j := range run.Outcomes {
			o := &run.Outcomes[j]
			o.Metrics = keep(o.Metrics, func(m scenario.Metric) bool { return finite(m.Value) })
			o.Placement = keep(o.Placement, finite)
			o.TimeToFinal = keep(o.TimeToFinal, finite)
			if !finite(o.TookMS) {
				o.TookMS = 0
			}
		}
		out.Runs[i] = run
	}
	return out
}

// keep returns the elements of s for which ok holds, as a new slice (nil
// stays nil, so omitempty fields stay omitted).
func keep[T any](s []T, ok func(T) bool) []T {
	if s == nil {
		return nil
	}
	out := make([]T, 0, len(s))
	for _, v := range s {
		if ok(v) {
			out = append(out, v)
		}
	}
	return out
}

// ---- the view: what every rendering shows, computed once from a Report ----

type compareView struct {
	Title   string
	Date    string
	Runtime string
	// Modes are the report's modes, sync first: the columns of every table.
	Modes     []string
	Summary   []summaryRow
	Sections  []sectionView
	Questions []questionView
	// Overview are the charts across scenarios (HTML only).
	Overview []template.HTML
	// Legend is the colour of each mode, for the HTML's table headers.
	Legend []modeColour
}

type modeColour struct{ Mode, Class, Colour string }

// Meta is the line under the title: when, on what, how much.
func (v compareView) Meta() string {
	var parts []string
	if v.Date != "" {
		parts = append(parts, "Recorded "+v.Date)
	}
	if v.Runtime != "" {
		parts = append(parts, "runtime: "+v.Runtime)
	}
	parts = append(parts, fmt.Sprintf("%d scenarios, modes %s", len(v.Sections), strings.Join(v.Modes, " and ")))
	return strings.Join(parts, " · ")
}

// cell is one mode's part of a run.
type cell struct {
	Mode    string
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
	Mode  string
	Lines []string
}

type sectionView struct {
	Scenario, Anchor, Claim, Verdict string
	Holds                            []cell
	Metrics                          []metricRow
	Details                          []detailsView
	// Charts and Notes are HTML only: the CDFs, and what could not be drawn.
	Charts []template.HTML
	Notes  []string
}

type questionView struct {
	Ask, Why string
	Evidence []evidence
}

// evidence is what one scenario of this report says about a question.
type evidence struct {
	Scenario, Anchor string
	Ran              bool
	Text             string
}

func newCompareView(r scenario.Report, charts bool) compareView {
	v := compareView{Title: "orderflow: sync vs events", Runtime: r.Runtime, Modes: reportModes(r)}
	if !r.Started.IsZero() {
		v.Title += ", " + r.Started.UTC().Format("2006-01-02")
		v.Date = r.Started.UTC().Format("2006-01-02 15:04 UTC")
	}
	for i, m := range v.Modes {
		v.Legend = append(v.Legend, modeColour{Mode: m, Class: cssClass(m), Colour: modeColor(m, i)})
	}
	for _, run := range r.Runs {
		row := summaryRow{Scenario: run.Scenario, Anchor: anchor(run.Scenario)}
		s := sectionView{Scenario: run.Scenario, Anchor: row.Anchor, Claim: run.Claim, Verdict: run.Verdict()}
		for _, m := range v.Modes {
			c := cell{Mode: m, Text: "–"}
			if o, ok := outcomeOf(run, m); ok {
				c = cell{Mode: m, Text: keyNumbers(o), Present: true, Holds: o.Holds}
				if len(o.Details) > 0 {
					s.Details = append(s.Details, detailsView{Mode: m, Lines: o.Details})
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

// reportModes are the modes of the report's outcomes: sync, events, then any
// other in the order met, so a one-mode report has one column.
func reportModes(r scenario.Report) []string {
	seen := map[string]bool{}
	for _, run := range r.Runs {
		for _, o := range run.Outcomes {
			seen[o.Mode] = true
		}
	}
	var modes []string
	for _, m := range []string{"sync", "events"} {
		if seen[m] {
			modes = append(modes, m)
			delete(seen, m)
		}
	}
	for _, run := range r.Runs {
		for _, o := range run.Outcomes {
			if seen[o.Mode] {
				modes = append(modes, o.Mode)
				delete(seen, o.Mode)
			}
		}
	}
	return modes
}

func outcomeOf(run scenario.Run, mode string) (scenario.Outcome, bool) {
	for _, o := range run.Outcomes {
		if o.Mode == mode {
			return o, true
		}
	}
	return scenario.Outcome{}, false
}

// keyNumbers is an outcome in a few numbers: the ones that tell the
// scenarios apart first, up to three, else its first three metrics.
func keyNumbers(o scenario.Outcome) string {
	// Placement at its median (what a client usually waits), consistency at
	// its p99 (the faults show in the tail); accepted after these, as it
	// mostly repeats confirmed.
	headline := []string{
		"success_pct", "stale_read_pct", "placement_p50_ms", "ttc_p99_ms",
		"catch_up_ms", "backlog_events", "traces_child", "traces_link", "traces_off",
		"totals_match", "events_replayed", "dead_letters", "dlq_ms", "refused_status",
		"accepted_pct", "placement_p99_ms", "ttc_p50_ms",
	}
	var picked []scenario.Metric
	for _, k := range headline {
		if m, ok := o.Metric(k); ok && len(picked) < 3 {
			picked = append(picked, m)
		}
	}
	if len(picked) == 0 {
		picked = o.Metrics[:min(3, len(o.Metrics))]
	}
	if len(picked) == 0 {
		return "no metrics"
	}
	parts := make([]string, len(picked))
	for i, m := range picked {
		parts[i] = shortLabel(m) + " " + shortValue(m)
	}
	return strings.Join(parts, " · ")
}

// shortLabel names a headline metric in a word or two for the summary.
func shortLabel(m scenario.Metric) string {
	switch m.Key {
	case "success_pct":
		return "confirmed"
	case "accepted_pct":
		return "accepted"
	case "stale_read_pct":
		return "stale reads"
	case "placement_p50_ms":
		return "placed p50"
	case "placement_p99_ms":
		return "placed p99"
	case "ttc_p50_ms":
		return "final p50"
	case "ttc_p99_ms":
		return "final p99"
	case "catch_up_ms":
		return "catch-up"
	case "backlog_events":
		return "backlog"
	case "traces_child", "traces_link", "traces_off":
		return "traces (" + strings.TrimPrefix(m.Key, "traces_") + ")"
	case "totals_match":
		return "rebuilt = live"
	case "events_replayed":
		return "replayed"
	case "dead_letters":
		return "dead letters"
	case "dlq_ms":
		return "dead-lettered after"
	case "refused_status":
		return "refused with HTTP"
	}
	if m.Label != "" {
		return m.Label
	}
	return m.Key
}

// shortValue drops a count's unit: the label next to it already says what
// is counted ("backlog 480").
func shortValue(m scenario.Metric) string {
	switch {
	case m.Unit == "ms", m.Unit == "s", m.Unit == "%", isCurrency(m.Unit):
		return formatValue(m)
	case m.Key == "totals_match":
		return map[bool]string{true: "yes", false: "NO"}[m.Value == 1]
	}
	return number(m.Value)
}

// formatValue formats a metric with its unit, the way Ms does milliseconds.
func formatValue(m scenario.Metric) string {
	v := m.Value
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case m.Unit == "ms":
		return Ms(v)
	case m.Unit == "s":
		return fmt.Sprintf("%.2f s", v)
	case m.Unit == "%":
		if math.Abs(v-math.Round(v)) < 0.05 {
			return fmt.Sprintf("%.0f%%", v)
		}
		return fmt.Sprintf("%.1f%%", v)
	case m.Unit == "":
		return number(v)
	case isCurrency(m.Unit):
		return fmt.Sprintf("%.2f %s", v, m.Unit)
	case v == 1:
		// "1 event", not "1 events": the units are plural nouns.
		return "1 " + strings.TrimSuffix(m.Unit, "s")
	}
	return number(v) + " " + m.Unit
}

// number prints counts whole and anything else with four significant digits.
// isCurrency says a unit is an ISO 4217 code ("EUR"): an amount in it has
// cents, not significant digits.
func isCurrency(unit string) bool {
	if len(unit) != 3 {
		return false
	}
	for _, r := range unit {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// metricRows are every metric of the run's outcomes side by side (in the
// order first met), then the final statuses, the run's duration and whether
// it holds; a mode without the metric shows "–".
func metricRows(run scenario.Run, modes []string) []metricRow {
	var keys []string
	labels := map[string]string{}
	for _, m := range modes {
		o, _ := outcomeOf(run, m)
		for _, mt := range o.Metrics {
			if _, ok := labels[mt.Key]; !ok {
				keys = append(keys, mt.Key)
				labels[mt.Key] = mt.Label
				if mt.Label == "" {
					labels[mt.Key] = mt.Key
				}
			}
		}
	}
	perMode := func(label string, f func(scenario.Outcome) string) metricRow {
		row := metricRow{Label: label}
		for _, m := range modes {
			o, ok := outcomeOf(run, m)
			v := "–"
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
				return formatValue(mt)
			}
			return "–"
		}))
	}
	rows = append(rows,
		perMode("final status", func(o scenario.Outcome) string { return statusCounts(o.ByStatus) }),
		perMode("took", func(o scenario.Outcome) string { return Ms(o.TookMS) }),
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

// holdsText is "sync ✓ events ✗" for the modes that ran.
func holdsText(cells []cell, sep string) string {
	var parts []string
	for _, c := range cells {
		if c.Present {
			parts = append(parts, c.Mode+" "+tick(c.Holds))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, sep)
}

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

// anchor makes a scenario name into a fragment id that both GitHub's
// Markdown headings and the HTML sections use.
func anchor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// ---- Markdown helpers ----

// mdEscape backslash-escapes what Markdown would otherwise read as markup
// (a verdict's "<" as the start of a tag, "|" as a table column); every
// escaped character is ASCII punctuation, so the text still reads as written.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell is mdEscape for a table cell, which must stay on one line.
func mdCell(s string) string { return mdEscape(oneLine(s)) }

func mdCells(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = mdCell(v)
	}
	return out
}

func mdRow(b *bytes.Buffer, cols []string) {
	fmt.Fprintf(b, "| %s |\n", strings.Join(cols, " | "))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// fence is a code fence longer than any run of backticks in lines, so a
// detail line cannot end the block early.
func fence(lines []string) string {
	longest := 0
	for _, l := range lines {
		run := 0
		for _, r := range l {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
