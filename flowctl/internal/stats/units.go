package stats

import (
	"fmt"
	"math"
	"time"
)

// Duration is d as Ms prints it: one formatter for every duration a verdict,
// a table or a summary shows, so they cannot disagree ("0.0 s" beside 32 ms).
func Duration(d time.Duration) string { return Ms(Millis(d)) }

// Bytes is b in the largest binary unit that keeps it at least 1 ("2.2 MiB",
// "151 KiB", "512 B"): a byte count of seven digits is read by no one.
func Bytes(b float64) string {
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return "–"
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	switch {
	case i == 0:
		return fmt.Sprintf("%.0f B", b)
	case math.Abs(b) < 100:
		return fmt.Sprintf("%.1f %s", b, units[i])
	}
	return fmt.Sprintf("%.0f %s", b, units[i])
}

// MiB is an amount measured in MiB, as Bytes prints it.
func MiB(v float64) string { return Bytes(v * (1 << 20)) }

// Of is "102 of 254 orders": a count with the n it is out of.
func Of(part, whole int, noun string) string { return fmt.Sprintf("%d of %d %s", part, whole, noun) }

// N is a sample size, "n=40".
func N(n int) string { return fmt.Sprintf("n=%d", n) }

// Millis is d in milliseconds with its microseconds kept, the value a metric
// records: d.Milliseconds() truncates (31.6 ms recorded as 31 while the
// verdict, formatted from d, said 32 ms).
func Millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
