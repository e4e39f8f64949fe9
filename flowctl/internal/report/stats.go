// Package report formats what flowctl shows: the demo's orders and summary,
// the steps of `up`, tables, and the percentiles behind the summary.
package report

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/stats"
)

// Percentile is stats.Percentile (nearest rank, never interpolated).
func Percentile(values []float64, p float64) float64 { return stats.Percentile(values, p) }

// Stats are the summary numbers of a set of milliseconds.
type Stats struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	Max float64 `json:"max"`
}

// Summarize computes Stats; zero Stats for no values.
func Summarize(values []float64) Stats {
	s := stats.Summarize(values)
	return Stats{N: s.N, P50: s.P50, Max: s.Max}
}

// Ms is stats.Ms: milliseconds for people.
func Ms(ms float64) string { return stats.Ms(ms) }

// After formats a timeline offset as "+Nms", compact enough for one line.
func After(ms float64) string {
	switch {
	case ms == 0:
		return "+0ms"
	case ms < 10:
		return fmt.Sprintf("+%.1fms", ms)
	case ms < 10000:
		return fmt.Sprintf("+%.0fms", ms)
	default:
		return fmt.Sprintf("+%.1fs", ms/1000)
	}
}
