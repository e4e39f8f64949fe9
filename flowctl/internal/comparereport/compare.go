// Package comparereport writes and reads the report of `flowctl compare`:
// report.md, report.html with its SVG charts, and results.json (the recorded
// runs it can be rendered from again), plus its terminal summary table;
// Compare is the command itself, from the stacks object to the files.
package comparereport

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
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
// scenario with each stack's key numbers and whether the run showed what the
// scenario claims, then every run's verdict, a line per stack.
func CompareTable(w io.Writer, r scenario.Report) {
	v := newCompareView(r, false)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"SCENARIO"}
	for _, l := range v.Labels {
		head = append(head, strings.ToUpper(l))
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
		fmt.Fprintf(w, "  %s\n", s.Scenario)
		for _, l := range s.Verdicts {
			fmt.Fprintf(w, "    %s\n", l.Text)
		}
	}
}

// CompareMarkdown writes report.md: first the five questions to ask before
// choosing events, answered in words per mode with this report's numbers
// (what a manager reads), then the summary table, a section per scenario
// with every metric side by side, and every scenario's evidence per question.
func CompareMarkdown(w io.Writer, r scenario.Report) error {
	v := newCompareView(r, false)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(v.Title))
	if meta := v.Meta(); meta != "" {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(meta))
	}

	mdQuestionsTable(&b, v)

	b.WriteString("## Summary\n\n")
	head := []string{"Scenario"}
	for _, l := range v.Labels {
		head = append(head, mdCell(l))
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
		for _, l := range s.Lead {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(l))
		}
		b.WriteString("**Verdict:**\n\n")
		for _, l := range s.Verdicts {
			fmt.Fprintf(&b, "- %s\n", mdEscape(oneLine(l.Text)))
		}
		b.WriteString("\n")
		head := []string{"Metric"}
		align := []string{"---"}
		for _, l := range v.Labels {
			head, align = append(head, mdCell(l)), append(align, "---:")
		}
		mdRow(&b, head)
		mdRow(&b, align)
		for _, m := range s.Metrics {
			mdRow(&b, append([]string{mdCell(m.Label)}, mdCells(m.Values)...))
		}
		for _, d := range s.Details {
			f := fence(d.Lines)
			fmt.Fprintf(&b, "\n**%s details**\n\n%stext\n%s\n%s\n", mdEscape(d.Label), f, strings.Join(d.Lines, "\n"), f)
		}
	}

	b.WriteString("\n## Every scenario's evidence, question by question\n\n")
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
