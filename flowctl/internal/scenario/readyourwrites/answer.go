package readyourwrites

import "github.com/orderflow/flowctl/internal/scenario/kit"

// saysConsistency answers the consistency question in words: how many
// orders read back right after their answer showed a status not yet final.
func saysConsistency(o kit.Outcome) string {
	stale, ok := o.OrdersOf(StaleReadPct)
	if !ok {
		return ""
	}
	return stale + " read back right after their answer were not final yet (a stale read)"
}
