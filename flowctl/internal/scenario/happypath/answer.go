package happypath

import "github.com/orderflow/flowctl/internal/scenario/kit"

// saysConsistency answers the consistency question in words: how long a
// CONFIRMED order took to become final, nothing broken.
func saysConsistency(o kit.Outcome) string {
	spread, ok := o.Spread(kit.TTCP50, kit.TTCP99)
	if !ok {
		return ""
	}
	return "with nothing broken, CONFIRMED orders were final " + spread + " after they were placed"
}
