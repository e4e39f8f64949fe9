package replay

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// saysAudit answers the auditability question in words: what replaying
// the log took and how much of the live state it agreed with; in sync,
// what history the API keeps instead.
func saysAudit(o kit.Outcome) string {
	if full, ok := o.Count(HistoryOrders); ok {
		listed, okL := o.Count(ListedOrders)
		if !okL {
			return ""
		}
		return "no event log: the API keeps every step for " + stats.Of(full, listed, "orders") + " it lists; totals can be read, not rebuilt"
	}
	events, okE := o.Count(EventsReplayed)
	took, okT := o.Ms(ReplayTook)
	agree, okA := o.Count(LiveAgree)
	disagree, okD := o.Count(LiveDisagree)
	missing, okM := o.Count(LiveNotInLog)
	if !okE || !okT || !okA || !okD || !okM {
		return ""
	}
	return fmt.Sprintf("%d events replayed in %s rebuilt a read model that agreed with %s (order statuses, invoicing's totals, reserved units)",
		events, took, stats.Of(agree, agree+disagree+missing, "live facts"))
}
