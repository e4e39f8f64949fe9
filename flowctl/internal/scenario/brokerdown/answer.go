package brokerdown

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
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
	if o.Mode == string(stackmode.Sync) {
		s += " (sync does not use it)"
	}
	if c, ok := o.Ms(kit.CatchUp); ok {
		s += "; all final " + c + " after it returned"
	}
	return s + "; final " + spread + " after placement"
}

// saysOperate answers the operate-a-broker question in words: what a
// stopped broker did to the orders, and how long they took to recover.
func saysOperate(o kit.Outcome) string {
	pending, okP := o.Count(PendingWhileDown)
	n, okN := o.Count(kit.Orders)
	if !okP || !okN {
		return ""
	}
	s := stats.Of(pending, n, "orders") + " placed were not final when read while Kafka was down"
	if c, ok := o.Ms(kit.CatchUp); ok {
		s += "; all final " + c + " after it returned"
	}
	return s
}
