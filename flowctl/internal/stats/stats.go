// Package stats holds the few statistics flowctl reports: nearest-rank
// percentiles over milliseconds, never interpolated, so every number printed
// is one that was actually measured.
package stats

import (
	"fmt"
	"math"
	"slices"
)

// Percentile is the p-th percentile (0 < p ≤ 100) of values by the
// nearest-rank method: the smallest measured value with at least p % of the
// values at or below it. NaN when there are no values.
func Percentile(values []float64, p float64) float64 {
	if len(values) == 0 || p <= 0 || p > 100 {
		return math.NaN()
	}
	s := slices.Clone(values)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

// Summary are the numbers of a set of milliseconds that the reports show.
type Summary struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Summarize computes a Summary; the zero Summary for no values.
func Summarize(values []float64) Summary {
	if len(values) == 0 {
		return Summary{}
	}
	return Summary{
		N:   len(values),
		P50: Percentile(values, 50),
		P90: Percentile(values, 90),
		P99: Percentile(values, 99),
		Max: slices.Max(values),
	}
}

// Share is part/whole as a percentage; 0 for an empty whole.
func Share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// Ms formats milliseconds for people: one decimal below 10 ms, whole
// milliseconds below a second, seconds with two decimals above.
func Ms(ms float64) string {
	switch {
	case math.IsNaN(ms):
		return "–"
	case ms < 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.2f s", ms/1000)
	}
}

// P99MinN is the fewest samples whose p99 is not simply their maximum: by
// nearest rank, the 99th percentile of fewer than 100 values is the largest.
const P99MinN = 100

// Pct is the p-th percentile (50 or 99) of s with its sample count, "–"
// without samples, and "max X (n=N)" for a p99 of fewer than P99MinN.
func Pct(s Summary, p int) string {
	switch {
	case s.N == 0:
		return "–"
	case p == 99 && s.N < P99MinN:
		return fmt.Sprintf("max %s (n=%d)", Ms(s.Max), s.N)
	case p == 99:
		return fmt.Sprintf("%s (n=%d)", Ms(s.P99), s.N)
	}
	return fmt.Sprintf("%s (n=%d)", Ms(s.P50), s.N)
}

// Pct99Label is Pct(s, 99) said in a sentence: "p99 X (n=N)", or
// "max X (n=N)" when N is too small for a p99 that differs from the maximum.
func Pct99Label(s Summary) string {
	if s.N == 0 || s.N < P99MinN {
		return Pct(s, 99)
	}
	return "p99 " + Pct(s, 99)
}

// Pct50Label is "p50 X (n=N)", or "–" without samples.
func Pct50Label(s Summary) string {
	if s.N == 0 {
		return "–"
	}
	return "p50 " + Pct(s, 50)
}

// TailName is what the p99 of s is honestly called: "p99", or "max" when
// it has fewer than P99MinN samples.
func TailName(s Summary) string {
	if s.N < P99MinN {
		return "max"
	}
	return "p99"
}

// Tail is the p99 of s, or its max when TailName says "max".
func Tail(s Summary) float64 {
	if s.N < P99MinN {
		return s.Max
	}
	return s.P99
}
