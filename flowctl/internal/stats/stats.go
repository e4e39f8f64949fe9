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
