package kit

import (
	"fmt"
	"math"
	"strings"

	"github.com/orderflow/flowctl/internal/stats"
)

// FormatValue is v in unit (an outcome's recorded unit) as every table
// shows it: durations, bytes and sample sizes by the one formatter each
// (stats), so the terminal, the report and the verdicts agree.
func FormatValue(v float64, unit string) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case unit == string(UnitMS):
		return stats.Ms(v)
	case unit == string(UnitSeconds):
		return stats.Ms(v * 1000)
	case unit == string(UnitBytes):
		return stats.Bytes(v)
	case unit == string(UnitMiB):
		return stats.MiB(v)
	case unit == string(UnitSamples):
		return stats.N(int(v))
	case unit == string(UnitHTTPStatus):
		return "HTTP " + Number(v)
	case unit == string(UnitRate):
		return Number(v) + " " + unit // "1 orders/s" is no noun to singularise
	case unit == string(UnitPct):
		if math.Abs(v-math.Round(v)) < 0.05 {
			return fmt.Sprintf("%.0f%%", v)
		}
		return fmt.Sprintf("%.1f%%", v)
	case unit == "":
		return Number(v)
	case IsCurrency(unit):
		return fmt.Sprintf("%.2f %s", v, unit)
	case v == 1:
		// "1 event", not "1 events": the units are plural nouns.
		return "1 " + strings.TrimSuffix(unit, "s")
	}
	return Number(v) + " " + unit
}

// Number prints counts whole and anything else with four significant digits.
func Number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// IsCurrency says a unit is an ISO 4217 code ("EUR"): an amount in it has
// cents, not significant digits.
func IsCurrency(unit string) bool {
	if len(unit) != 3 {
		return false
	}
	for _, r := range unit {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
