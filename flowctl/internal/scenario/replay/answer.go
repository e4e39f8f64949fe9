package replay

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// saysAudit answers the auditability question in words: what replaying
// the log took and whether it agreed with the live state; in sync, what
// history the API keeps instead.
func saysAudit(o kit.Outcome) string {
	if steps, ok := o.Count(HistorySteps); ok {
		return fmt.Sprintf("no event log: the API keeps %d steps of an order's history; totals can be read, not rebuilt", steps)
	}
	events, okE := o.Count(EventsReplayed)
	took, okT := o.Ms(ReplayTook)
	match, okM := o.Count(TotalsMatch)
	if !okE || !okT || !okM {
		return ""
	}
	agree := map[bool]string{true: "matched", false: "did NOT match"}[match == 1]
	return fmt.Sprintf("%d events replayed in %s rebuilt the invoicing totals, which %s the live ones", events, took, agree)
}
