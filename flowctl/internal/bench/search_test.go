package bench

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stats"
)

// fakeSystem answers a step at rate r as a system with a ceiling would: below
// it p99 is 20 ms, above it p99 explodes (and, past twice the ceiling, orders
// stop finishing).
func fakeSystem(ceiling float64) StepFunc {
	return func(_ context.Context, r float64, d, _ time.Duration) (Step, error) {
		n := int(r * d.Seconds())
		s := Step{Sent: n, Done: n}
		lat := 20.0
		if r > ceiling {
			lat = 20 * r / ceiling * 100
		}
		if r > 2*ceiling {
			s.Done = n / 2
		}
		s.Latency = stats.Summary{N: n, P50: lat / 2, P99: lat, Max: lat}
		return s, nil
	}
}

func fastConfig() Config {
	c := DefaultConfig()
	c.StepDuration, c.Pause, c.Retries, c.Refine = time.Second, 0, 0, 0
	return c
}

// flaky fails the first run at rate r, then behaves as inner.
func flaky(inner StepFunc, r float64) StepFunc {
	failed := false
	return func(ctx context.Context, rate float64, d, s time.Duration) (Step, error) {
		if rate == r && !failed {
			failed = true
			return Step{Sent: 10, Done: 5}, nil
		}
		return inner(ctx, rate, d, s)
	}
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name       string
		cfg        func(Config) Config
		run        StepFunc
		wantMax    float64
		wantRates  []float64
		reachedMax bool
		stop       string
	}{
		{"finds the threshold", func(c Config) Config { return c }, fakeSystem(300),
			200, []float64{50, 100, 200, 400}, false, "p99"},
		{"a system that never saturates stops at --max and says so", func(c Config) Config { c.Max = 1000; return c }, fakeSystem(1e9),
			1000, []float64{50, 100, 200, 400, 800, 1000}, true, "raise --max"},
		{"no sustainable rate at all", func(c Config) Config { return c }, fakeSystem(10),
			0, []float64{50}, false, "no sustainable rate"},
		{"a backlog ends the search", func(c Config) Config { c.P99Bound = time.Hour; return c }, fakeSystem(100),
			200, []float64{50, 100, 200, 400}, false, "backlog"},
		{"a retry passes a one-off stall", func(c Config) Config { c.Retries = 1; return c }, flaky(fakeSystem(300), 100),
			200, []float64{50, 100, 100, 200, 400, 400}, false, "(2 tries)"},
		{"without retries the stall is the ceiling", func(c Config) Config { return c }, flaky(fakeSystem(300), 100),
			50, []float64{50, 100}, false, "backlog"},
		{"one bisection narrows 200–400", func(c Config) Config { c.Refine = 1; return c }, fakeSystem(300),
			283, []float64{50, 100, 200, 400, 283}, false, "400/s not sustainable"},
		{"two bisections", func(c Config) Config { c.Refine = 2; return c }, fakeSystem(250),
			238, []float64{50, 100, 200, 400, 283, 238}, false, "283/s not sustainable"},
		{"nothing to narrow below the first step", func(c Config) Config { c.Refine = 2; return c }, fakeSystem(10),
			0, []float64{50}, false, "no sustainable rate"},
		{"factor 3 from 20", func(c Config) Config { c.Start, c.Factor, c.Max = 20, 3, 200; return c }, fakeSystem(100),
			60, []float64{20, 60, 180}, false, "not sustainable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []float64
			got, err := Search(context.Background(), tt.cfg(fastConfig()), tt.run, func(s Step) { seen = append(seen, s.Rate) })
			if err != nil {
				t.Fatal(err)
			}
			if got.Max != tt.wantMax || got.ReachedMax != tt.reachedMax {
				t.Errorf("max %g reached %v, want %g %v (stop: %s)", got.Max, got.ReachedMax, tt.wantMax, tt.reachedMax, got.Stop)
			}
			if !slices.Equal(seen, tt.wantRates) {
				t.Errorf("stepped %v, want %v", seen, tt.wantRates)
			}
			if !strings.Contains(got.Stop, tt.stop) {
				t.Errorf("stop %q does not say %q", got.Stop, tt.stop)
			}
			if (got.PastRate == 0) != got.ReachedMax || (got.PastRate != 0 && got.PastRate <= got.Max) {
				t.Errorf("past rate %g with max %g, reached %v", got.PastRate, got.Max, got.ReachedMax)
			}
		})
	}
}

func TestSearchPassesStepErrors(t *testing.T) {
	boom := errors.New("order-svc went away")
	_, err := Search(context.Background(), fastConfig(), func(context.Context, float64, time.Duration, time.Duration) (Step, error) {
		return Step{}, boom
	}, nil)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "step at 50/s") {
		t.Fatalf("err = %v", err)
	}
}

func TestJudge(t *testing.T) {
	ok := Step{Sent: 100, Done: 100, Latency: stats.Summary{N: 100, P50: 10, P99: 40}, Trend: 1}
	tests := []struct {
		name string
		edit func(*Step)
		want string // "" = sustainable
	}{
		{"sustainable", func(*Step) {}, ""},
		{"nothing sent", func(s *Step) { s.Sent, s.Done = 0, 0 }, "nothing was sent"},
		{"backlog", func(s *Step) { s.Done = 90 }, "10 of 100 not finished"},
		{"failures", func(s *Step) { s.Failed = 3 }, "3 of 100 failed"},
		{"late sends", func(s *Step) { s.SentLate = 5 }, "sent late"},
		{"a few late sends are noise", func(s *Step) { s.SentLate = 2 }, ""},
		{"p99 over the bound", func(s *Step) { s.Latency.P99 = 1500 }, "p99 1.50 s > bound"},
		{"a client too slow for the rate", func(s *Step) { s.Rate, s.SentRate = 100, 80 }, "sent only 80/s"},
		{"a client on time", func(s *Step) { s.Rate, s.SentRate = 100, 95 }, ""},
		{"latency rising", func(s *Step) { s.Trend, s.Latency.P50 = 5, 200 }, "rose 5.0×"},
		{"a rise at low latency is noise", func(s *Step) { s.Trend = 5 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			got := Judge(s, time.Second)
			if got.Sustainable != (tt.want == "") || !strings.Contains(got.Why, tt.want) {
				t.Errorf("sustainable %v why %q, want %q", got.Sustainable, got.Why, tt.want)
			}
		})
	}
}

func TestTrendOf(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    float64
	}{
		{"too few", []float64{1, 100}, 1},
		{"flat", []float64{10, 10, 10, 10, 10, 10, 10, 10}, 1},
		{"rising", []float64{10, 10, 20, 20, 30, 30, 40, 40}, 4},
	}
	for _, tt := range tests {
		if got := TrendOf(tt.samples); got != tt.want {
			t.Errorf("%s: %g, want %g", tt.name, got, tt.want)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	tests := []struct {
		edit func(*Config)
		want string
	}{
		{func(*Config) {}, ""},
		{func(c *Config) { c.Start = 0 }, "--start"},
		{func(c *Config) { c.Factor = 1 }, "--factor"},
		{func(c *Config) { c.Max = 10 }, "--max"},
		{func(c *Config) { c.StepDuration = time.Millisecond }, "--step-duration"},
		{func(c *Config) { c.Settle = 0 }, "--settle"},
		{func(c *Config) { c.P99Bound = 0 }, "--p99-bound"},
		{func(c *Config) { c.Max = 20000 }, "--max"},
		{func(c *Config) { c.BaselineMax = 100 }, "--baseline-max"},
		{func(c *Config) { c.BaselineMax = 0 }, ""},
		{func(c *Config) { c.Retries = -1 }, "--retries"},
		{func(c *Config) { c.Refine = 9 }, "--refine"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		err := c.Check()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}

func TestDriveCallsEverySend(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	late, _, err := Drive(context.Background(), 10000, 5, 5, func(_ context.Context, i int) {
		mu.Lock()
		seen[i] = true
		mu.Unlock()
	})
	if err != nil || late != 0 || len(seen) != 5 {
		t.Errorf("late %d, err %v, sent %v", late, err, seen)
	}
}

func TestMeasureRate(t *testing.T) {
	tests := []struct {
		max, start, want float64
	}{
		{4525, 50, 2263},
		{400, 50, 200},
		{0, 50, 25},
		{15, 2, 7.5},
	}
	for _, tt := range tests {
		if got := MeasureRate(Ceiling{Max: tt.max}, Config{Start: tt.start}); got != tt.want {
			t.Errorf("max %g: %g, want %g", tt.max, got, tt.want)
		}
	}
}
