package comparereport

import (
	"math"
	"slices"
	"strconv"
)

type point struct{ X, Y float64 }

// ecdf is the empirical CDF of values as the corners of its step function:
// for sorted values v1…vn the share of orders at or below x is 0 left of v1
// and jumps to i/n at vi, so each value gives two corners, (vi, (i-1)/n) and
// (vi, i/n). Equal values give a zero-length step, which draws as one jump.
func ecdf(values []float64) []point {
	s := slices.Clone(values)
	slices.Sort(s)
	n := float64(len(s))
	pts := make([]point, 0, 2*len(s))
	for i, v := range s {
		pts = append(pts, point{v, float64(i) / n}, point{v, float64(i+1) / n})
	}
	return pts
}

// scale maps a data interval [lo, hi] onto pixels [from, to], linearly or
// by log10; step is the linear tick spacing.
type scale struct {
	lo, hi, from, to float64
	log              bool
	step             float64
}

// newScale is the axis for values between min and max: logarithmic when
// they span more than a factor of 50 (a 2 ms answer and a 10 s wait on one
// linear axis would leave the 2 ms invisible), else linear from zero to a
// round number, so that bars and curves start at a true zero.
func newScale(min, max, from, to float64) scale {
	if min > 0 && max/min > 50 {
		return scale{
			lo: math.Pow(10, math.Floor(math.Log10(min))), hi: math.Pow(10, math.Ceil(math.Log10(max))),
			from: from, to: to, log: true,
		}
	}
	step := niceStep(max / 5)
	hi := math.Ceil(max/step) * step
	if hi <= 0 {
		hi = step
	}
	lo := 0.0
	if min < 0 {
		lo = math.Floor(min/step) * step
	}
	return scale{lo: lo, hi: hi, from: from, to: to, step: step}
}

// niceStep is the smallest of 1, 2, 2.5, 5 × 10^k that is at least raw.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// at is the pixel of v, clamped to the axis so that nothing is drawn outside
// the plot.
func (s scale) at(v float64) float64 {
	var t float64
	if s.log {
		v = math.Max(v, s.lo)
		t = (math.Log10(v) - math.Log10(s.lo)) / (math.Log10(s.hi) - math.Log10(s.lo))
	} else {
		t = (v - s.lo) / (s.hi - s.lo)
	}
	t = math.Min(math.Max(t, 0), 1)
	return s.from + t*(s.to-s.from)
}

// ticks are the labelled values of the axis: every step of a linear one; the
// powers of ten of a log one, with 2× and 5× in between when it spans two
// decades or fewer.
func (s scale) ticks() []float64 {
	var out []float64
	if !s.log {
		for i := 0; ; i++ {
			v := s.lo + float64(i)*s.step
			if v > s.hi*(1+1e-9)+1e-12 {
				return out
			}
			// Rounding to the step's precision keeps 0.1+0.2 a clean 0.3.
			out = append(out, roundTo(v, s.step))
		}
	}
	decades := math.Round(math.Log10(s.hi / s.lo))
	for d := s.lo; d <= s.hi*(1+1e-9); d *= 10 {
		out = append(out, d)
		if decades <= 2 && d*10 <= s.hi*(1+1e-9) {
			out = append(out, 2*d, 5*d)
		}
	}
	return out
}

func roundTo(v, step float64) float64 {
	digits := math.Max(0, -math.Floor(math.Log10(step))+1)
	p := math.Pow(10, digits)
	return math.Round(v*p) / p
}

// msTick labels a tick of a milliseconds axis: "0.5 ms", "20 ms", "1.5 s".
func msTick(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v/1000, 'g', 6, 64) + " s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64) + " ms"
}

// ---- charts ----
