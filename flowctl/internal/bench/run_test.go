package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRunIsModeAgnostic runs two fake modes and a fake baseline through the
// same path: each gets its ceiling, a measured run at half of it, and only
// the stacks get resources and a drain note.
func TestRunIsModeAgnostic(t *testing.T) {
	var measuredAt []float64
	record := func(f StepFunc) StepFunc {
		return func(ctx context.Context, r float64, d, s time.Duration) (Step, error) {
			measuredAt = append(measuredAt, r)
			return f(ctx, r, d, s)
		}
	}
	self := func() ([]Proc, string) { return []Proc{{"order-svc", os.Getpid()}}, "" }
	docker := func() ([]Proc, string) { return nil, "not measured on Docker" }
	targets := []Target{
		{Name: "sync", Unit: "orders/s", Step: record(fakeSystem(300)), Stack: &Stack{Mode: "sync", Procs: self}},
		{Name: "events", Unit: "orders/s", Step: record(fakeSystem(900)), Stack: &Stack{Mode: "events", Procs: docker}},
		{Name: "kafka 3-hop", Baseline: true, Unit: "events/s", Step: record(fakeSystem(1e9))},
	}
	cfg := fastConfig()
	cfg.Max, cfg.BaselineMax = 1000, 1600
	res, err := Run(context.Background(), cfg, targets, Options{Runtime: "native", DrainOrders: 10})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		max        float64
		measured   float64
		resources  int
		note, stop string
	}{
		{"sync", 200, 100, 1, "", "not sustainable"},
		{"events", 800, 400, 0, "not measured on Docker", "not sustainable"},
		{"kafka 3-hop", 1600, 800, 0, "", "raise --max"},
	}
	for i, tt := range tests {
		got := res.Targets[i]
		if got.Name != tt.name || got.Ceiling.Max != tt.max || got.Measured.Rate != tt.measured || !got.Measured.Sustainable {
			t.Errorf("%s: max %g measured %+v", tt.name, got.Ceiling.Max, got.Measured)
		}
		if len(got.Resources) != tt.resources || got.ResourcesNote != tt.note || !strings.Contains(got.Ceiling.Stop, tt.stop) {
			t.Errorf("%s: resources %v note %q stop %q", tt.name, got.Resources, got.ResourcesNote, got.Ceiling.Stop)
		}
		if (got.DrainNote == "") != got.Baseline {
			t.Errorf("%s: drain note %q", tt.name, got.DrainNote)
		}
	}

	var out bytes.Buffer
	Print(&out, res)
	for _, want := range []string{"kafka 3-hop (baseline)", "200 orders/s", "≥ 1600 events/s (--max)", "n/a: no consumer",
		"not measured on Docker", "CPU s / 1,000 orders: order-svc", "(idle ", "400: p99", "sync ceiling: at most 12.5 % of kafka 3-hop's", "(n="} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	files, err := WriteReport(filepath.Join(t.TempDir(), "r"), res)
	if err != nil || len(files) != 3 {
		t.Fatalf("%v %v", files, err)
	}
	svg, err := os.ReadFile(files[1])
	if err != nil || !strings.Contains(string(svg), "kafka 3-hop ceiling ≥ 1600 events/s") || strings.Count(string(svg), "<circle ") != 10 {
		t.Errorf("chart: %v\n%s", err, svg)
	}
}

func TestRunStopsOnAStepError(t *testing.T) {
	boom := errors.New("order-svc does not answer")
	_, err := Run(context.Background(), fastConfig(), []Target{{Name: "sync", Unit: "orders/s",
		Step: func(context.Context, float64, time.Duration, time.Duration) (Step, error) { return Step{}, boom }}}, Options{})
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "sync: ") {
		t.Fatalf("err = %v", err)
	}
}

func TestPct99Label(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "–"},
		{40, "max 9.0 ms (n=40)"},
		{100, "p99 8.0 ms (n=100)"},
	}
	for _, tt := range tests {
		s := Step{}.Latency
		s.N, s.P50, s.P99, s.Max = tt.n, 1, 8, 9
		if got := Pct99Label(s); got != tt.want {
			t.Errorf("n=%d: %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestWaitSteady(t *testing.T) {
	tests := []struct {
		name string
		lags []int64
		want int64
	}{
		{"reaches the orders placed", []int64{0, 3, 7, 10}, 10},
		{"passes them (other events on the topic)", []int64{0, 12}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := 0
			got, err := waitSteady(context.Background(), func(context.Context) (int64, error) {
				v := tt.lags[min(i, len(tt.lags)-1)]
				i++
				return v, nil
			}, 10)
			if err != nil || got != tt.want {
				t.Errorf("%d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestRatios(t *testing.T) {
	target := func(name string, baseline bool, max float64, reached bool) TargetResult {
		return TargetResult{Name: name, Baseline: baseline, Ceiling: Ceiling{Max: max, ReachedMax: reached}}
	}
	tests := []struct {
		name       string
		mode, base TargetResult
		want       string
	}{
		{"both found", target("sync", false, 200, false), target("http", true, 800, false), "sync ceiling: 25.0 % of http's"},
		{"mode at --max", target("sync", false, 200, true), target("http", true, 800, false), "at least 25.0 %"},
		{"baseline at --max", target("sync", false, 200, false), target("http", true, 800, true), "at most 25.0 %"},
		{"both at --max", target("sync", false, 800, true), target("http", true, 800, true), "not comparable"},
	}
	for _, tt := range tests {
		got := strings.Join(Ratios(Result{Targets: []TargetResult{tt.mode, tt.base}}), "\n")
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Ratios(Result{Targets: []TargetResult{target("sync", false, 0, false), target("http", true, 800, false)}}); len(got) != 0 {
		t.Errorf("a mode without a ceiling has no ratio: %q", got)
	}
}

// A bisection runs after the step past the ceiling; the chart's line must
// still go left to right.
func TestChartOrdersStepsByRate(t *testing.T) {
	lat := Step{}.Latency
	lat.N, lat.P99 = 10, 5
	steps := []Step{{Rate: 100, Latency: lat, Sustainable: true}, {Rate: 400, Latency: lat}, {Rate: 200, Latency: lat, Sustainable: true}}
	svg := Chart(Result{Targets: []TargetResult{{Name: "sync", Ceiling: Ceiling{Steps: steps}}}, Config: ConfigJSON{P99BoundMS: 1000}})
	i := strings.Index(svg, `<path class="sync" d="`)
	if i < 0 {
		t.Fatalf("no line:\n%s", svg)
	}
	d := svg[i+len(`<path class="sync" d="`):]
	d = d[:strings.Index(d, `"`)]
	var xs []float64
	for _, seg := range strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' }) {
		var x, y float64
		if _, err := fmt.Sscanf(seg, "%g %g", &x, &y); err != nil {
			t.Fatalf("segment %q: %v", seg, err)
		}
		xs = append(xs, x)
	}
	if len(xs) != 3 || !slices.IsSorted(xs) {
		t.Errorf("x along the line: %v", xs)
	}
}
