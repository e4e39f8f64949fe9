package brokerdown

import (
	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// saysDelay answers the delayed-message question in words: how many orders
// were accepted while the broker was down, and how long they waited.
func saysDelay(o kit.Outcome) string {
	accepted, okA := o.OrdersOf(kit.AcceptedPct)
	spread, okS := o.Spread(kit.TTCP50, kit.TTCP99)
	if !okA || !okS {
		return ""
	}
	s := accepted + " accepted while Kafka was down"
	if o.Mode == string(config.ModeSync) {
		s += " (sync does not use it)"
	}
	if c, ok := o.Ms(kit.CatchUp); ok {
		s += "; all final " + c + " after it returned"
	}
	return s + "; final " + spread + " after placement"
}
