package comparereport

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The fixture is a hand-written recording of both modes over the eight
// scenarios; the tests check the structure of what is rendered from it, not
// its wording, so that the wording can change without touching them.
const fixture = "testdata/compare-results.json"

func loadFixture(t *testing.T) scenario.Report {
	t.Helper()
	r, err := ReadReport(fixture)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestFixture keeps the fixture what the other tests assume it is.
func TestFixture(t *testing.T) {
	r := loadFixture(t)
	want := []string{"happy-path", "downstream-down", "slow-downstream", "read-your-writes", "find-the-failure", "replay", "poison-message", "broker-down"}
	var got []string
	failing, escaped := 0, 0
	for _, run := range r.Runs {
		got = append(got, run.Scenario)
		if len(run.Outcomes) != 2 || run.Outcomes[0].Mode != "sync" || run.Outcomes[1].Mode != "events" {
			t.Errorf("%s: want a sync and an events outcome", run.Scenario)
		}
		for _, o := range run.Outcomes {
			for _, s := range [][]float64{o.Placement, o.TimeToFinal} {
				if len(s) != 0 && len(s) < 5 {
					t.Errorf("%s/%s: %d samples, want at least 5", o.Scenario, o.Mode, len(s))
				}
			}
			if !o.Holds {
				failing++
			}
			if strings.ContainsAny(o.Verdict, "<&") {
				escaped++
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("scenarios = %v, want %v", got, want)
	}
	if failing == 0 || escaped == 0 {
		t.Errorf("the fixture needs an outcome that does not hold (%d) and a verdict with < or & (%d)", failing, escaped)
	}
}

func TestCompareTable(t *testing.T) {
	r := loadFixture(t)
	var b bytes.Buffer
	CompareTable(&b, r)
	out := b.String()
	if strings.Contains(out, "\x1b[") {
		t.Error("the table has terminal colour codes")
	}
	table, verdicts, ok := strings.Cut(out, "\nVerdicts\n")
	if !ok {
		t.Fatalf("no verdicts after the table:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if head := strings.Fields(lines[0]); !slices.Equal(head, []string{"SCENARIO", "SYNC", "EVENTS", "HOLDS"}) {
		t.Errorf("header = %v", head)
	}
	rows := lines[1:]
	if len(rows) != len(r.Runs) {
		t.Fatalf("%d rows for %d scenarios:\n%s", len(rows), len(r.Runs), table)
	}
	// tabwriter aligns the columns: every row's holds start where the
	// header's HOLDS does.
	col := strings.Index(lines[0], "HOLDS")
	for i, run := range r.Runs {
		row := rows[i]
		if !strings.HasPrefix(row, run.Scenario+" ") {
			t.Errorf("row %d = %q, want scenario %s", i, row, run.Scenario)
		}
		if got := string([]rune(row)[col:]); !strings.HasPrefix(got, "sync ") {
			t.Errorf("%s: holds column not aligned: %q", run.Scenario, got)
		}
		for _, o := range run.Outcomes {
			if !strings.Contains(row, o.Mode+" "+tick(o.Holds)) {
				t.Errorf("%s: row lacks %s %s: %q", run.Scenario, o.Mode, tick(o.Holds), row)
			}
		}
		// A line per stack under the scenario's name, each as recorded
		// (the fixture's verdicts start with their stack's name).
		var want strings.Builder
		for _, o := range run.Outcomes {
			want.WriteString("    " + o.Verdict + "\n")
		}
		if !strings.Contains(verdicts, "  "+run.Scenario+"\n"+want.String()) {
			t.Errorf("verdict of %s missing", run.Scenario)
		}
	}
}

func TestCompareMarkdown(t *testing.T) {
	r := loadFixture(t)
	var b bytes.Buffer
	if err := CompareMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	lines := strings.Split(md, "\n")
	if !strings.HasPrefix(lines[0], "# ") || !strings.Contains(lines[0], r.Started.Format("2006-01-02")) {
		t.Errorf("title %q lacks the date", lines[0])
	}
	if !strings.Contains(md, r.Runtime) {
		t.Error("the runtime is missing")
	}
	// Markdown escapes are backslashes before ASCII punctuation: without
	// them the text reads as recorded.
	plain := strings.ReplaceAll(md, `\`, "")
	for _, run := range r.Runs {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "| ["+run.Scenario+"](#"+run.Scenario+") |") }) {
			t.Errorf("summary has no row for %s", run.Scenario)
		}
		section := between(md, "\n## "+run.Scenario+"\n", "\n## ")
		if section == "" {
			t.Errorf("no section for %s", run.Scenario)
			continue
		}
		for _, o := range run.Outcomes {
			if !strings.Contains(plain, "\n- "+o.Verdict+"\n") {
				t.Errorf("verdict of %s in %s missing", run.Scenario, o.Mode)
			}
		}
		if !strings.Contains(section, "| Metric | sync | events |") {
			t.Errorf("%s: no metric table", run.Scenario)
		}
		for _, o := range run.Outcomes {
			for _, m := range o.Metrics {
				if !strings.Contains(section, "\n| "+mdCell(m.Label)+" |") {
					t.Errorf("%s: metric %s has no row", run.Scenario, m.Key)
				}
			}
			for _, d := range o.Details {
				if !strings.Contains(section, "\n"+d+"\n") {
					t.Errorf("%s: detail line %q missing", run.Scenario, d)
				}
			}
		}
	}
	// A "<" outside code blocks would start an HTML tag in a renderer.
	inFence := false
	for _, l := range lines {
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
			continue
		}
		if !inFence && regexp.MustCompile("(^|[^\\\\])<").MatchString(l) {
			t.Errorf("unescaped < in %q", l)
		}
	}

	q := between(md, "\n## Every scenario's evidence, question by question\n", "\n## ")
	if n := len(regexp.MustCompile(`(?m)^\d\. \*\*`).FindAllString(q, -1)); n != len(kit.Questions) {
		t.Errorf("%d questions, want %d:\n%s", n, len(kit.Questions), q)
	}
	for _, run := range r.Runs {
		if !strings.Contains(q, "["+run.Scenario+"](#"+run.Scenario+")") {
			t.Errorf("no question refers to %s", run.Scenario)
		}
	}
}

// TestQuestionsUseTheReportsNumbers changes a measured number and expects
// the answer to the questions to change with it.
func TestQuestionsUseTheReportsNumbers(t *testing.T) {
	r := loadFixture(t)
	questions := func() string {
		var b bytes.Buffer
		if err := CompareMarkdown(&b, r); err != nil {
			t.Fatal(err)
		}
		return between(b.String(), "\n## Every scenario's evidence, question by question\n", "\n## ")
	}
	stale := metricPtr(t, r, "read-your-writes", "events", "stale_read_pct")
	catchUp := metricPtr(t, r, "replay", "events", "replay_ms")
	before := questions()
	// The value, its n when it is over samples, and the mode.
	quoted := func(text string, m *scenario.Metric) bool {
		return regexp.MustCompile(regexp.QuoteMeta(formatValue(*m)) + `( \(n=\d+\))? in events`).MatchString(text)
	}
	for _, m := range []*scenario.Metric{stale, catchUp} {
		if !quoted(before, m) {
			t.Errorf("questions lack %s %s:\n%s", m.Key, formatValue(*m), before)
		}
	}
	stale.Value, catchUp.Value = 42.5, 98765
	after := questions()
	for _, m := range []*scenario.Metric{stale, catchUp} {
		if !quoted(after, m) {
			t.Errorf("questions did not follow %s to %s:\n%s", m.Key, formatValue(*m), after)
		}
	}
}

func metricPtr(t *testing.T, r scenario.Report, name, mode string, key scenario.MetricKey) *scenario.Metric {
	t.Helper()
	for i := range r.Runs {
		for j := range r.Runs[i].Outcomes {
			o := &r.Runs[i].Outcomes[j]
			if r.Runs[i].Scenario != name || o.Mode != mode {
				continue
			}
			for k := range o.Metrics {
				if o.Metrics[k].Key == key {
					return &o.Metrics[k]
				}
			}
		}
	}
	t.Fatalf("fixture has no %s/%s %s", name, mode, key)
	return nil
}

// between is the text after start up to end (or the text's end).
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	if i := strings.Index(after, end); i >= 0 {
		return after[:i]
	}
	return after
}
