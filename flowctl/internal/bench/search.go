// Package bench finds the highest rate a system sustains: it steps an
// open-loop rate up (start, start×factor, … up to max) and stops at the first
// step whose work piles up or whose p99 latency passes a bound. The same
// search runs each mode's stack and the two baselines (a bare Kafka pipeline,
// a bare HTTP call chain), each behind a StepFunc, so every ceiling in one
// report was found the same way.
package bench

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/orderflow/flowctl/internal/stats"

	"github.com/orderflow/platform/retry"
)

// Config bounds a search.
type Config struct {
	// Start is the first step's rate (per second); each next step multiplies
	// it by Factor, up to Max (the last step runs at Max exactly).
	Start, Factor, Max float64
	// StepDuration is how long each step sends for.
	StepDuration time.Duration
	// Settle bounds how long after a step's last send its work may take to
	// finish; what is unfinished by then is a backlog.
	Settle time.Duration
	// Pause is the quiet time between steps, so one step's tail does not
	// count against the next.
	Pause time.Duration
	// P99Bound is the highest p99 latency (time to consistency, or end to
	// end for a baseline) a sustainable step may have.
	P99Bound time.Duration
	// Retries is how many times a step that was not sustainable runs again
	// before it counts: on a shared machine one stall of another job's can
	// fail a step the target would sustain.
	Retries int
	// Refine is how many bisections narrow the gap between the ceiling and
	// the first step past it (each one halves the factor's log).
	Refine int
	// BaselineMax replaces Max for the baselines, which usually go well past
	// the modes: a ratio against a baseline stopped at Max says little.
	BaselineMax float64
}

// DefaultConfig is what `flowctl bench` runs without flags.
func DefaultConfig() Config {
	return Config{Start: 50, Factor: 2, Max: 3200, StepDuration: 10 * time.Second,
		Settle: 5 * time.Second, Pause: 2 * time.Second, P99Bound: time.Second, Retries: 1, Refine: 1, BaselineMax: 25600}
}

// The highest rates a search may try: orders are capped where load.Run caps
// them; the baselines send from this process and go higher.
const (
	maxOrderRate    = 10000
	maxBaselineRate = 100000
)

// Check rejects bounds that would make no search; the message names the flag.
func (c Config) Check() error {
	switch {
	case c.Max > maxOrderRate:
		return fmt.Errorf("--max %g: use --start (%g) to %d per second", c.Max, c.Start, maxOrderRate)
	case c.BaselineMax != 0 && (c.BaselineMax < c.Max || c.BaselineMax > maxBaselineRate):
		return fmt.Errorf("--baseline-max %g: use --max (%g) to %d per second", c.BaselineMax, c.Max, maxBaselineRate)
	}
	return c.checkSearch()
}

// checkSearch is Check without the caps that differ between modes and
// baselines.
func (c Config) checkSearch() error {
	switch {
	case c.Start <= 0 || c.Start > maxOrderRate:
		return fmt.Errorf("--start %g: use more than 0 and at most %d per second", c.Start, maxOrderRate)
	case c.Factor < 1.1 || c.Factor > 10:
		return fmt.Errorf("--factor %g: use 1.1 to 10", c.Factor)
	case c.Max < c.Start || c.Max > maxBaselineRate:
		return fmt.Errorf("--max %g: use --start (%g) to %d per second", c.Max, c.Start, maxOrderRate)
	case c.StepDuration < 500*time.Millisecond || c.StepDuration > 10*time.Minute:
		return fmt.Errorf("--step-duration %s: use 500ms to 10m", c.StepDuration)
	case c.Settle < 500*time.Millisecond:
		return fmt.Errorf("--settle %s: use at least 500ms", c.Settle)
	case c.Pause < 0:
		return fmt.Errorf("--pause %s: use 0 or more", c.Pause)
	case c.P99Bound <= 0:
		return fmt.Errorf("--p99-bound %s: use more than 0", c.P99Bound)
	case c.Retries < 0 || c.Retries > 5:
		return fmt.Errorf("--retries %d: use 0 to 5", c.Retries)
	case c.Refine < 0 || c.Refine > 5:
		return fmt.Errorf("--refine %d: use 0 to 5", c.Refine)
	}
	return nil
}

// Rates are the steps' rates: Start, Start×Factor, … and Max last, rounded to
// whole units per second above 10 so the output reads 400, not 400.00000001.
func (c Config) Rates() []float64 {
	var out []float64
	for r := c.Start; ; r *= c.Factor {
		if r >= c.Max*(1-1e-9) {
			return append(out, c.Max)
		}
		if r > 10 {
			r = math.Round(r)
		}
		out = append(out, r)
	}
}

// Step is what one step at one rate measured.
type Step struct {
	Rate float64 `json:"rate"`
	// Sent is how many units (orders, events, requests) were sent; Done how
	// many finished within the step plus Settle; Failed how many finished
	// badly (an error answer, FAILED orders): they count as finished work
	// but make the step unsustainable.
	Sent   int `json:"sent"`
	Done   int `json:"done"`
	Failed int `json:"failed"`
	// SentLate counts units the client could not send on schedule because
	// too many were still waiting for an answer.
	SentLate int `json:"sent_late"`
	// SentRate is the rate the units actually went out at (first to last
	// send); 0 when unknown. Below the step's rate, the client itself (2
	// cores, shared) could not keep up and the step measured nothing.
	SentRate float64 `json:"sent_rate"`
	// Latency is what the bound applies to: time to consistency for an order,
	// end to end for a baseline. Response is the client's wait for its
	// answer (placement latency; the same as Latency for the echo chain).
	Latency  stats.Summary `json:"latency_ms"`
	Response stats.Summary `json:"response_ms"`
	// Hop is a baseline's per-hop latency (zero for the modes).
	Hop stats.Summary `json:"hop_ms,omitzero"`
	// Trend is the p50 latency of the step's last quarter of units over that
	// of its first quarter: above TrendLimit the latency rose while the step
	// ran, so work queued up even if it finished within Settle.
	Trend float64 `json:"trend"`
	// Try counts the runs at this rate in a search (a retry is Try 2).
	Try int `json:"try,omitempty"`
	// Sustainable is the verdict, Why the reason when it is false.
	Sustainable bool   `json:"sustainable"`
	Why         string `json:"why,omitempty"`
	// Samples, in send order, for the trend and for charts.
	Samples []float64 `json:"-"`
	// Messages per order, counted in a stack's measured run only.
	Messages *Messages `json:"messages,omitempty"`
}

// StepFunc sends at rate for d, waits up to settle for the work to finish and
// returns what it measured (Sustainable and Why are left to Judge).
type StepFunc func(ctx context.Context, rate float64, d, settle time.Duration) (Step, error)

// TrendLimit is how much the latency of a step's last quarter may exceed that
// of its first before the step counts as building a backlog; TrendFloor is
// the latency below which a rise is noise (2 ms becoming 5 ms queues nothing).
const (
	TrendLimit = 3.0
	TrendFloor = 50.0 // ms
	// LateLimit is the share of units sent late that still counts as keeping
	// the schedule (a GC pause or a scheduler hiccup on 2 cores).
	LateLimit = 0.02
	// SlowClientLimit is the share of the step's rate the sends must reach.
	SlowClientLimit = 0.9
)

// Judge decides whether a step was sustainable and says why not.
func Judge(s Step, bound time.Duration) Step {
	boundMS := float64(bound.Microseconds()) / 1000
	s.Sustainable, s.Why = false, ""
	switch {
	case s.Sent == 0:
		s.Why = "nothing was sent"
	case s.Done < s.Sent:
		s.Why = fmt.Sprintf("backlog: %d of %d not finished after the settle bound", s.Sent-s.Done, s.Sent)
	case s.Failed > 0:
		s.Why = fmt.Sprintf("%d of %d failed", s.Failed, s.Sent)
	case float64(s.SentLate) > LateLimit*float64(s.Sent):
		s.Why = fmt.Sprintf("could not keep the schedule: %d of %d sent late (answers too slow)", s.SentLate, s.Sent)
	case s.SentRate > 0 && s.Sent > 1 && s.SentRate < SlowClientLimit*s.Rate:
		s.Why = fmt.Sprintf("the client sent only %.0f/s (this machine is the limit)", s.SentRate)
	case s.Latency.P99 > boundMS:
		s.Why = fmt.Sprintf("p99 %s > bound %s", stats.Ms(s.Latency.P99), stats.Ms(boundMS))
	case s.Trend > TrendLimit && s.Latency.P50 > TrendFloor:
		s.Why = fmt.Sprintf("latency rose %.1f× during the step (backlog growing)", s.Trend)
	default:
		s.Sustainable = true
	}
	return s
}

// TrendOf is the p50 of the last quarter of samples (in send order) over the
// p50 of the first quarter; 1 with fewer than 8 samples.
func TrendOf(samples []float64) float64 {
	q := len(samples) / 4
	if q < 2 {
		return 1
	}
	first, last := stats.Percentile(samples[:q], 50), stats.Percentile(samples[len(samples)-q:], 50)
	if first <= 0 {
		first = 0.001
	}
	return last / first
}

// Ceiling is a search's outcome.
type Ceiling struct {
	// Max is the highest sustainable rate; 0 when even the first step was not.
	Max   float64 `json:"max_rate"`
	Steps []Step  `json:"steps"`
	// ReachedMax says the search stopped at --max with every step sustainable:
	// the real ceiling lies higher.
	ReachedMax bool `json:"reached_max"`
	// Stop says why the search ended, in words.
	Stop string `json:"stop"`
	// PastRate is the lowest rate found not sustainable (0 with ReachedMax),
	// PastWhy why.
	PastRate float64 `json:"past_rate,omitempty"`
	PastWhy  string  `json:"past_why,omitempty"`
}

// Search steps the rate up until a step is not sustainable or Max is
// reached, then narrows the gap between the last sustainable rate and the
// first that was not by Refine bisections (at their geometric mean, as the
// steps are geometric). It calls each (if set) after every judged step.
func Search(ctx context.Context, c Config, run StepFunc, each func(Step)) (Ceiling, error) {
	if err := c.checkSearch(); err != nil {
		return Ceiling{}, err
	}
	var out Ceiling
	// try runs rate r, again up to Retries times while it is not sustainable.
	try := func(r float64) (Step, error) {
		var s Step
		for n := 1; n <= c.Retries+1; n++ {
			if len(out.Steps) > 0 && c.Pause > 0 {
				if err := retry.Wait(ctx, c.Pause); err != nil {
					return s, err
				}
			}
			var err error
			if s, err = run(ctx, r, c.StepDuration, c.Settle); err != nil {
				return s, fmt.Errorf("step at %g/s: %w", r, err)
			}
			s.Rate, s.Try = r, n
			s = Judge(s, c.P99Bound)
			out.Steps = append(out.Steps, s)
			if each != nil {
				each(s)
			}
			if s.Sustainable {
				break
			}
		}
		return s, nil
	}
	var failed Step
	for _, r := range c.Rates() {
		s, err := try(r)
		if err != nil {
			return out, err
		}
		if !s.Sustainable {
			failed = s
			break
		}
		out.Max = r
	}
	if failed.Rate == 0 {
		out.ReachedMax = true
		out.Stop = fmt.Sprintf("reached --max %g/s, every step sustainable: the ceiling is higher (raise --max)", c.Max)
		return out, nil
	}
	for range c.Refine {
		if out.Max == 0 {
			break // nothing below the first step to narrow towards
		}
		mid := math.Sqrt(out.Max * failed.Rate)
		if mid > 10 {
			mid = math.Round(mid)
		}
		if mid <= out.Max || mid >= failed.Rate {
			break
		}
		s, err := try(mid)
		if err != nil {
			return out, err
		}
		if s.Sustainable {
			out.Max = mid
		} else {
			failed = s
		}
	}
	out.PastRate, out.PastWhy = failed.Rate, failed.Why
	out.Stop = fmt.Sprintf("%g/s not sustainable: %s", failed.Rate, failed.Why)
	if failed.Try > 1 {
		out.Stop += fmt.Sprintf(" (%d tries)", failed.Try)
	}
	if out.Max == 0 {
		out.Stop += fmt.Sprintf("; no sustainable rate at or above --start %g", c.Start)
	}
	return out, nil
}

// MeasureRate is the rate of the separate measured run: half the ceiling,
// or half of Start when no step was sustainable (the numbers then describe a
// system past its limit, and the report says so).
func MeasureRate(c Ceiling, cfg Config) float64 {
	r := cfg.Start / 2
	if c.Max > 0 {
		r = c.Max / 2
	}
	if r > 10 {
		r = math.Round(r) // as the steps: 2263/s, not 2262.5/s
	}
	return r
}
