package comparereport

import (
	"bytes"
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// recordedRuns is one report of every scenario recorded in docs/runs (the
// workshop's, the saga's and any `make demo` recorded there), each
// scenario's latest run: what a manager would be shown.
func recordedRuns(t *testing.T) scenario.Report {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "docs/runs/*/*.json"))
	if err != nil {
		t.Fatal(err)
	}
	latest := map[string]time.Time{}
	byName := map[string]scenario.Run{}
	var all scenario.Report
	for _, f := range files {
		r, err := ReadReport(f)
		if err != nil && strings.Contains(err.Error(), "no scenario runs") {
			continue // a bench's JSON, not a scenario recording
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, run := range r.Runs {
			if at, seen := latest[run.Scenario]; seen && !r.Started.After(at) {
				continue
			}
			latest[run.Scenario], byName[run.Scenario] = r.Started, run
			if r.Started.After(all.Started) {
				all.Started, all.Runtime = r.Started, r.Runtime
			}
		}
	}
	for _, run := range byName {
		all.Runs = append(all.Runs, run)
	}
	// In the workshop's order, as `make demo` runs them.
	slices.SortStableFunc(all.Runs, func(a, b scenario.Run) int {
		return cmp.Compare(slices.Index(scenario.Names(), a.Scenario), slices.Index(scenario.Names(), b.Scenario))
	})
	if len(all.Runs) < len(scenario.All)/2 {
		t.Fatalf("found %d recorded scenario runs in docs/runs, want most of the %d scenarios", len(all.Runs), len(scenario.All))
	}
	return all
}

func markdownOf(t *testing.T, r scenario.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := CompareMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRecordedReportReadsFirst renders the recorded runs and checks what a
// manager reads first: page 1 answers the five questions per mode with n
// and units, no p99 stands beside an n < 100, no table cell has a number
// without its unit, and no time to consistency counts failed orders.
func TestRecordedReportReadsFirst(t *testing.T) {
	r := recordedRuns(t)
	md := markdownOf(t, r)
	modes := reportModes(r)
	for name, problems := range map[string][]string{
		"page 1":              pageOneProblems(md, modes),
		"p99 below n=100":     p99Problems(md),
		"units":               unitProblems(md),
		"time to consistency": ttcProblems(md, r, modes),
	} {
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
	}
	// The HTML's page 1 is the same table, before the summary.
	html := renderHTML(t, r)
	q, sum := strings.Index(html, `id="five-questions"`), strings.Index(html, `id="summary"`)
	if q < 0 || sum < q || strings.Count(between(html, `id="five-questions"`, `id="summary"`), `<th scope="row"`) != len(kit.Questions) {
		t.Error("report.html does not open with the five questions, one row heading each")
	}
	if t.Failed() {
		t.Logf("the report:\n%s", md)
	}
}

// TestReadableChecksFail shows each check failing on a broken report: what
// the report said before issue 20.
func TestReadableChecksFail(t *testing.T) {
	modes := []string{"sync", "events"}
	summaryFirst := "# t\n\n## Summary\n\n| Scenario | sync | events |\n| --- | --- | --- |\n| a | 1 ms | 2 ms |\n\n## The five questions\n"
	if len(pageOneProblems(summaryFirst, modes)) == 0 {
		t.Error("page 1 check passed a report whose first section is the summary")
	}
	noN := "# t\n\n## The five questions, answered by this run\n\n| Question | sync | events | Measured by |\n| --- | --- | --- | --- |\n" +
		"| **What coupling problem are you solving?** | confirmed 0% | confirmed 100% | x |\n"
	if p := pageOneProblems(noN, modes); len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), "lacks an n") {
		t.Errorf("page 1 check passed answers without n and questions not asked: %v", p)
	}
	if len(p99Problems("| happy-path | final p99 14 ms (n=40) | x |")) == 0 {
		t.Error("p99 check passed a p99 over n=40")
	}
	if p := p99Problems("| x | placed p99 3.1 ms (n=261) · final max 20 ms (n=40) |"); len(p) > 0 {
		t.Errorf("p99 check refused a p99 over n=261 and a max over n=40: %v", p)
	}
	if p := unitProblems("| ops-cost | memory 130.2 | log per 1,000 orders 2294820 |"); len(p) != 2 {
		t.Errorf("unit check found %v, want 130.2 and 2294820", p)
	}
	if p := unitProblems("| x | CONFIRMED 20 · FAILED 10 | n=40 | HTTP 400 | 30 of 30 orders | 2.2 MiB | 100% | SKU-005 |"); len(p) > 0 {
		t.Errorf("unit check refused numbers with units: %v", p)
	}
	failed := scenario.Report{Runs: []scenario.Run{{Scenario: "downstream-down", Outcomes: []scenario.Outcome{
		{Mode: "sync", ByStatus: map[string]int{"FAILED": 30}}, {Mode: "events", ByStatus: map[string]int{"CONFIRMED": 30}}}}}}
	counted := "\n## downstream-down\n\n| Metric | sync | events |\n| --- | ---: | ---: |\n| time to consistency samples | n=30 | n=30 |\n"
	if len(ttcProblems(counted, failed, modes)) != 1 {
		t.Error("time to consistency check passed sync's 30 FAILED orders counted as consistent")
	}
}

// TestFailedOrdersAreNotConsistent renders a recording made before the
// fix (sync's FAILED orders in its time to consistency): the report shows
// none for sync and says why, and the check finds nothing.
func TestFailedOrdersAreNotConsistent(t *testing.T) {
	r := loadFixture(t)
	md := markdownOf(t, r)
	if p := ttcProblems(md, r, reportModes(r)); len(p) > 0 {
		t.Errorf("the fixture's failed orders counted: %v", p)
	}
	section := between(md, "\n## downstream-down\n", "\n## ")
	if !strings.Contains(section, "time to consistency not shown: this recording measured it over") {
		t.Errorf("downstream-down does not say why sync has no time to consistency:\n%s", section)
	}
}
