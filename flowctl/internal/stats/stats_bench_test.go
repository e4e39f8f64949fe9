package stats_test

import (
	"math/rand/v2"
	"testing"

	"github.com/orderflow/flowctl/internal/stats"
)

// benchSamples are n milliseconds in arrival order (unsorted), shaped like a
// load run's latencies: mostly 5–40 ms with a long tail.
func benchSamples(n int) []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, n)
	for i := range v {
		v[i] = 5 + r.ExpFloat64()*12
	}
	return v
}

// BenchmarkPercentile10k is one nearest-rank percentile of 10 000 samples
// (it sorts a copy every call).
func BenchmarkPercentile10k(b *testing.B) {
	v := benchSamples(10_000)
	b.ReportAllocs()
	for b.Loop() {
		stats.Percentile(v, 99)
	}
}

// BenchmarkSummarize10k is what a load run's summary costs per series of
// 10 000 samples: p50, p90, p99 (three sorted copies) and the maximum.
func BenchmarkSummarize10k(b *testing.B) {
	v := benchSamples(10_000)
	b.ReportAllocs()
	for b.Loop() {
		stats.Summarize(v)
	}
}
