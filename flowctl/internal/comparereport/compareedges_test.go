package comparereport

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
)

func TestEmptyAndSingleSamples(t *testing.T) {
	r := scenario.Report{Runtime: "test", Runs: []scenario.Run{{
		Scenario: "replay", Claim: "no samples at all",
		Outcomes: []scenario.Outcome{
			{Scenario: "replay", Mode: "sync", Verdict: "sync: nothing to replay", Holds: true},
			{Scenario: "replay", Mode: "events", Verdict: "events: replayed", Holds: true,
				Metrics: []scenario.Metric{{Key: "catch_up_ms", Label: "Catch-up", Value: 12, Unit: "ms"}}},
		},
	}, {
		Scenario: "happy-path", Claim: "one sample each",
		Outcomes: []scenario.Outcome{
			{Scenario: "happy-path", Mode: "sync", Verdict: "sync: one", Holds: true, Placement: []float64{37.5}, TimeToFinal: []float64{38},
				ByStatus: map[string]int{"CONFIRMED": 1}},
			{Scenario: "happy-path", Mode: "events", Verdict: "events: one", Holds: true, Placement: []float64{0}},
		},
	}}}
	out := renderHTML(t, r)
	doc := parseXML(t, out)
	charts := svgs(t, doc)
	for title := range charts {
		if strings.HasPrefix(title, "replay:") {
			t.Errorf("replay has no samples but a chart %q", title)
		}
	}
	if !strings.Contains(between(out, `id="replay"`, "<h2"), `class="note"`) {
		t.Error("replay: no note that there are no samples")
	}
	svg := charts["happy-path: Placement latency"]
	if svg == nil {
		t.Fatal("no chart for single samples")
	}
	if paths, _ := marks(svg); !slices.Equal(paths, []string{"sync", "events"}) {
		t.Errorf("single-sample lines = %v", paths)
	}
	if svg := charts["happy-path: Time to consistency"]; svg == nil {
		t.Error("no time to consistency chart for sync's one sample")
	} else if paths, _ := marks(svg); !slices.Equal(paths, []string{"sync"}) {
		t.Errorf("time to consistency lines = %v, want sync only", paths)
	}
	if !strings.Contains(between(out, `id="happy-path"`, "</body>"), "No time to consistency samples for events") {
		t.Error("no note that events has no time to consistency samples")
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Error("NaN or Inf in the output")
	}
	if got := cdfChart("none", "ms", []series{{Name: "sync"}, {Name: "events"}}); got != "" {
		t.Errorf("a chart of no samples: %q", got)
	}
	if got := barChart("none", nil, nil, true); got != "" {
		t.Errorf("a bar chart of nothing: %q", got)
	}
	var md bytes.Buffer
	if err := CompareMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	CompareTable(&md, r)
}

func TestOneMode(t *testing.T) {
	r := loadFixture(t)
	for i := range r.Runs {
		r.Runs[i].Outcomes = slices.DeleteFunc(r.Runs[i].Outcomes, func(o scenario.Outcome) bool { return o.Mode == "sync" })
	}
	var tb bytes.Buffer
	CompareTable(&tb, r)
	if head := strings.Fields(strings.SplitN(tb.String(), "\n", 2)[0]); !slices.Equal(head, []string{"SCENARIO", "EVENTS", "HOLDS"}) {
		t.Errorf("header = %v", head)
	}
	if strings.Contains(tb.String(), "sync") {
		t.Errorf("a sync-less report mentions sync:\n%s", tb.String())
	}
	var md bytes.Buffer
	if err := CompareMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if strings.Count(md.String(), "| Metric | events |") != len(r.Runs) || strings.Contains(md.String(), "| sync |") {
		t.Error("the metric tables should have an events column only")
	}
	out := renderHTML(t, r)
	for title, svg := range svgs(t, parseXML(t, out)) {
		paths, rects := marks(svg)
		for _, c := range append(paths, rects...) {
			if c != "events" {
				t.Errorf("%s: a %s mark in a report of events only", title, c)
			}
		}
	}
}

func TestWriteCompareAndReadReport(t *testing.T) {
	r := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "reports", "20261126-041500")
	files, err := WriteCompare(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v (size %v)", f, err, st)
		}
		if filepath.Dir(f) != dir {
			t.Errorf("%s is not in %s", f, dir)
		}
	}
	if !slices.Equal(names, []string{ReportMarkdown, ReportHTML, ResultsJSON}) {
		t.Errorf("files = %v", names)
	}
	back, err := ReadReport(filepath.Join(dir, ResultsJSON))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, r), mustJSON(t, back); a != b {
		t.Errorf("results.json does not round-trip:\n%s\n---\n%s", a, b)
	}
	// Rendering from the recording gives the same report.
	var md1, md2 bytes.Buffer
	if err := CompareMarkdown(&md1, r); err != nil {
		t.Fatal(err)
	}
	if err := CompareMarkdown(&md2, back); err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(filepath.Join(dir, ReportMarkdown))
	if md1.String() != md2.String() || md1.String() != string(written) {
		t.Error("the report rendered from results.json differs")
	}

	// A metric that could not be measured (NaN) must not cost the recording.
	m := metricPtr(t, r, "happy-path", "sync", "placement_p50_ms")
	m.Value = math.NaN()
	if _, err := WriteCompare(dir, r); err != nil {
		t.Fatalf("a NaN metric: %v", err)
	}
	back, err = ReadReport(filepath.Join(dir, ResultsJSON))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Runs[0].Outcomes[0].Metric("placement_p50_ms"); ok {
		t.Error("the NaN metric was recorded")
	}
	if !math.IsNaN(m.Value) {
		t.Error("WriteCompare changed the report it was given")
	}
}

func TestReadReportErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"empty.json": "{}", "broken.json": `{"runs": [`, "demo.json": `{"mode": "sync", "orders": []}`} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadReport(path); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	if _, err := ReadReport(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file read without error")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestECDF(t *testing.T) {
	in := []float64{3, 1, 2, 2}
	got := ecdf(in)
	want := []point{{1, 0}, {1, 0.25}, {2, 0.25}, {2, 0.5}, {2, 0.5}, {2, 0.75}, {3, 0.75}, {3, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("ecdf = %v, want %v", got, want)
	}
	if !slices.Equal(in, []float64{3, 1, 2, 2}) {
		t.Error("ecdf reordered its input")
	}
	if got := ecdf([]float64{5}); !slices.Equal(got, []point{{5, 0}, {5, 1}}) {
		t.Errorf("ecdf of one = %v", got)
	}
	if got := ecdf(nil); len(got) != 0 {
		t.Errorf("ecdf(nil) = %v", got)
	}
}

func TestScales(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

	lin := newScale(2, 80, 0, 100)
	if lin.log || lin.lo != 0 || lin.hi != 80 {
		t.Errorf("2…80 (×40): %+v, want linear 0…80", lin)
	}
	if got := lin.at(40); !near(got, 50) {
		t.Errorf("at(40) = %v, want 50", got)
	}
	if got := lin.ticks(); !slices.Equal(got, []float64{0, 20, 40, 60, 80}) {
		t.Errorf("ticks = %v", got)
	}

	log := newScale(2, 200, 0, 300)
	if !log.log || log.lo != 1 || log.hi != 1000 {
		t.Errorf("2…200 (×100): %+v, want log 1…1000", log)
	}
	for v, want := range map[float64]float64{1: 0, 10: 100, 100: 200, 1000: 300} {
		if got := log.at(v); !near(got, want) {
			t.Errorf("log at(%v) = %v, want %v", v, got, want)
		}
	}
	if got := log.ticks(); !slices.Equal(got, []float64{1, 10, 100, 1000}) {
		t.Errorf("three decades: ticks %v", got)
	}
	if got := newScale(1.5, 90, 0, 1).ticks(); !slices.Equal(got, []float64{1, 2, 5, 10, 20, 50, 100}) {
		t.Errorf("two decades: ticks %v", got)
	}

	// One sample, or all equal: a linear axis from 0 past the value.
	one := newScale(7, 7, 0, 100)
	if one.log || one.lo != 0 || one.hi < 7 || one.at(7) <= 0 || one.at(7) > 100 {
		t.Errorf("one value: %+v", one)
	}
	if z := newScale(0, 0, 0, 100); z.hi <= z.lo || math.IsNaN(z.at(0)) {
		t.Errorf("all zero: %+v", z)
	}
	// A zero rules out log (log 0 is -Inf) whatever the spread.
	if newScale(0, 5000, 0, 1).log {
		t.Error("log scale with a zero")
	}

	// A y axis runs from the bottom pixel up; values outside are clamped.
	y := scale{lo: 0, hi: 1, from: 300, to: 50, step: 0.25}
	if y.at(0) != 300 || y.at(1) != 50 || y.at(0.5) != 175 || y.at(-1) != 300 || y.at(2) != 50 {
		t.Errorf("y axis: %v %v %v %v %v", y.at(0), y.at(1), y.at(0.5), y.at(-1), y.at(2))
	}
	if got := newScale(0, 0.9, 0, 1).ticks(); !slices.Equal(got, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}) {
		t.Errorf("fractional ticks = %v", got)
	}

	for raw, want := range map[float64]float64{0.3: 0.5, 1.4: 2, 2.2: 2.5, 16: 20, 100: 100, 0: 1} {
		if got := niceStep(raw); !near(got, want) {
			t.Errorf("niceStep(%v) = %v, want %v", raw, got, want)
		}
	}
	for v, want := range map[float64]string{0.5: "0.5 ms", 20: "20 ms", 1000: "1 s", 1500: "1.5 s"} {
		if got := msTick(v); got != want {
			t.Errorf("msTick(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for _, tt := range []struct {
		m    scenario.Metric
		want string
	}{
		{scenario.Metric{Value: 97.22, Unit: "%"}, "97.2%"},
		{scenario.Metric{Value: 100, Unit: "%"}, "100%"},
		{scenario.Metric{Value: 2350, Unit: "ms"}, "2.35 s"},
		{scenario.Metric{Value: 480, Unit: "events"}, "480 events"},
		{scenario.Metric{Value: 1, Unit: "events"}, "1 event"},
		{scenario.Metric{Value: 3, Unit: ""}, "3"},
		{scenario.Metric{Value: math.NaN(), Unit: "ms"}, "–"},
	} {
		if got := formatValue(tt.m); got != tt.want {
			t.Errorf("formatValue(%v %q) = %q, want %q", tt.m.Value, tt.m.Unit, got, tt.want)
		}
	}
}
