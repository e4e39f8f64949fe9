package stats

import (
	"math"
	"testing"
)

func TestPercentileNearestRank(t *testing.T) {
	vals := []float64{15, 20, 35, 40, 50}
	for _, c := range []struct{ p, want float64 }{{5, 15}, {30, 20}, {40, 20}, {50, 35}, {99, 50}, {100, 50}} {
		if got := Percentile(vals, c.p); got != c.want {
			t.Errorf("p%g = %g, want %g", c.p, got, c.want)
		}
	}
	if !math.IsNaN(Percentile(nil, 50)) || !math.IsNaN(Percentile(vals, 0)) || !math.IsNaN(Percentile(vals, 101)) {
		t.Error("no values or a p outside (0, 100] must be NaN")
	}
	if vals[0] != 15 || vals[4] != 50 {
		t.Error("Percentile sorted its input in place")
	}
}

func TestSummarize(t *testing.T) {
	var vals []float64
	for i := 1; i <= 200; i++ {
		vals = append(vals, float64(i))
	}
	s := Summarize(vals)
	if s != (Summary{N: 200, P50: 100, P90: 180, P99: 198, Max: 200}) {
		t.Errorf("Summarize = %+v", s)
	}
	if Summarize(nil) != (Summary{}) {
		t.Error("no values must give the zero Summary")
	}
}

func TestShareAndMs(t *testing.T) {
	if Share(1, 4) != 25 || Share(3, 0) != 0 {
		t.Error("Share")
	}
	for in, want := range map[float64]string{2.345: "2.3 ms", 45.4: "45 ms", 1234: "1.23 s", math.NaN(): "–"} {
		if got := Ms(in); got != want {
			t.Errorf("Ms(%g) = %q, want %q", in, got, want)
		}
	}
}

func TestPctSaysMaxBelowHundredSamples(t *testing.T) {
	few := Summarize([]float64{1, 2, 3, 40})
	many := Summarize(func() []float64 {
		v := make([]float64, 200)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}())
	for _, c := range []struct {
		name      string
		got, want string
	}{
		{"p99 of 4", Pct99Label(few), "max 40 ms (n=4)"},
		{"p99 of 200", Pct99Label(many), "p99 198 ms (n=200)"},
		{"p50 of 4", Pct50Label(few), "p50 2.0 ms (n=4)"},
		{"none", Pct99Label(Summary{}), "–"},
		{"tail name of 4", TailName(few), "max"},
		{"tail name of 200", TailName(many), "p99"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if Tail(few) != 40 || Tail(many) != 198 {
		t.Errorf("Tail = %g, %g; want 40, 198", Tail(few), Tail(many))
	}
}
