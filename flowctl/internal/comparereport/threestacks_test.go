package comparereport

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

// threeLabels are the columns of a report of the three stacks.
var threeLabels = []string{"sync", "events-choreography", "events-orchestration"}

// threeStacks is the two-stack fixture with a third stack beside it: each
// run's events outcome again as the orchestrated stack's, its verdict still
// saying "events:" (what a judge shared with choreography writes), except
// for skipped, which did not run on the third stack.
func threeStacks(t *testing.T, skipped string) scenario.Report {
	t.Helper()
	r := loadFixture(t)
	for i, run := range r.Runs {
		if run.Scenario == skipped {
			continue
		}
		_, ev := run.Modes()
		orch := *ev
		orch.Mode = "events-orchestration"
		orch.Metrics = slices.Clone(ev.Metrics)
		r.Runs[i].Outcomes = append(slices.Clone(run.Outcomes), orch)
	}
	return r
}

// columnProblems says which Markdown table lacks a column per stack, in
// labels' order, right after its first column: the questions, the summary
// and every scenario's metrics.
func columnProblems(md string, labels []string) []string {
	var out []string
	lines := strings.Split(md, "\n")
	tables := 0
	for i := 1; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "| ---") || !strings.HasPrefix(lines[i-1], "| ") {
			continue
		}
		tables++
		head := strings.Split(strings.Trim(lines[i-1], "| "), " | ")
		if len(head) < 1+len(labels) || !slices.Equal(head[1:1+len(labels)], labels) {
			out = append(out, fmt.Sprintf("table %q has not a column per stack %v", lines[i-1], labels))
		}
	}
	if tables == 0 {
		out = append(out, "no table at all")
	}
	return out
}

func TestThreeStacksEveryTableHasThreeColumns(t *testing.T) {
	r := threeStacks(t, "replay")
	md := markdownOf(t, r)
	if p := columnProblems(md, threeLabels); len(p) > 0 {
		t.Errorf("%d tables without the three stacks: %v", len(p), p)
	}
	// Page 1's check reads the three stacks' headers, as it will read a
	// three-stack recording in docs/runs (the old fixture's answers lack
	// some n: that part is not this test's).
	for _, p := range pageOneProblems(markdownOf(t, threeStacks(t, "")), []string{"sync", "events", "events-orchestration"}) {
		if strings.Contains(p, "no column per mode") {
			t.Errorf("page 1 of three stacks: %s", p)
		}
	}
	if !strings.HasPrefix(md, "# orderflow: sync vs events-choreography vs events-orchestration") {
		t.Errorf("title: %q", strings.SplitN(md, "\n", 2)[0])
	}
	var tb bytes.Buffer
	CompareTable(&tb, r)
	head := strings.Fields(strings.SplitN(tb.String(), "\n", 2)[0])
	if want := []string{"SCENARIO", "SYNC", "EVENTS-CHOREOGRAPHY", "EVENTS-ORCHESTRATION", "HOLDS"}; !slices.Equal(head, want) {
		t.Errorf("terminal header = %v, want %v", head, want)
	}
	html := renderHTML(t, r)
	if n, want := strings.Count(html, `<th class="mode `), 3*(2+len(r.Runs)); n != want {
		t.Errorf("report.html has %d stack headers, want %d (three per table)", n, want)
	}
	if !strings.Contains(html, `class="events-orchestration"`) {
		t.Error("report.html draws no line or bar of the orchestrated stack")
	}
}

// TestThreeStacksNotRun: a stack a scenario did not run on says so in
// every table, and its verdict line is missing, not empty.
func TestThreeStacksNotRun(t *testing.T) {
	r := threeStacks(t, "replay")
	md := markdownOf(t, r)
	summary := between(md, "\n## Summary\n", "\n## ")
	row := between(summary, "| [replay]", "\n")
	if cells := strings.Split(row, " | "); len(cells) < 4 || cells[3] != "not run" {
		t.Errorf("summary row of replay: %q, want the third stack's cell %q", row, notRun)
	}
	section := between(md, "\n## replay\n", "\n## ")
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| ---") && !strings.HasPrefix(l, "| Metric") && !strings.HasSuffix(l, "| not run |") {
			t.Errorf("replay's metric row %q: the third stack's cell is not %q", l, notRun)
		}
	}
	if strings.Contains(section, "- events-orchestration:") {
		t.Error("replay has a verdict line for the stack it did not run on")
	}
}

// TestThreeStacksVerdictsNameTheirStack: a verdict line per stack, the
// orchestrated stack's named for it even where its text said "events:".
func TestThreeStacksVerdictsNameTheirStack(t *testing.T) {
	r := threeStacks(t, "")
	md := markdownOf(t, r)
	var tb bytes.Buffer
	CompareTable(&tb, r)
	for _, run := range r.Runs {
		section := between(md, "\n## "+run.Scenario+"\n", "\n## ")
		for _, label := range threeLabels {
			if strings.Count(section, "\n- "+mdEscape(label)+": ") != 1 {
				t.Errorf("%s: want one verdict line of %s in:\n%s", run.Scenario, label, section)
			}
		}
		if strings.Contains(section, "\n- events: ") {
			t.Errorf("%s: a verdict line says \"events:\" in a three-stack report", run.Scenario)
		}
	}
	if n := strings.Count(tb.String(), "    events-orchestration: "); n != len(r.Runs) {
		t.Errorf("terminal verdicts: %d lines of the orchestrated stack, want %d", n, len(r.Runs))
	}
}

// TestColumnCheckFails shows the column check failing: a report without
// the third stack, and a table whose columns are out of order.
func TestColumnCheckFails(t *testing.T) {
	two := markdownOf(t, loadFixture(t))
	if p := columnProblems(two, threeLabels); len(p) == 0 {
		t.Error("the column check passed a report without the orchestrated stack")
	}
	swapped := "| Scenario | sync | events-orchestration | events-choreography | Holds |\n| --- | --- | --- | --- | --- |\n"
	if p := columnProblems(swapped, threeLabels); len(p) != 1 {
		t.Errorf("the column check found %v in a table with two columns swapped, want one problem", p)
	}
	if p := columnProblems("no tables here", threeLabels); len(p) != 1 {
		t.Errorf("the column check found %v in a text without tables", p)
	}
}

// TestCompareFromTheTwoStackRoomRecording renders docs/runs' `make demo`
// of two stacks again: two columns, named as recorded, nothing "not run".
func TestCompareFromTheTwoStackRoomRecording(t *testing.T) {
	from := filepath.Join(repoRoot, "docs/runs/2026-12-06-room/demo/results.json")
	s, rt := noStacks(t)
	rep, files, err := Compare(context.Background(), s, Setup{From: from, Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Ups()) != 0 || len(files) != 3 {
		t.Errorf("brought up %v, wrote %v; want nothing up and three files", rt.Ups(), files)
	}
	md := markdownOf(t, rep)
	if p := columnProblems(md, []string{"sync", "events"}); len(p) > 0 {
		t.Errorf("the two-stack recording's tables: %v", p)
	}
	// A scenario added since (add-a-step) is "not run in this report" on
	// page 1; no table has a stack's cell "not run".
	if strings.Contains(md, "| "+notRun) || strings.Contains(md, "orchestration") {
		t.Error("a two-stack recording's report mentions a stack it never had")
	}
}
