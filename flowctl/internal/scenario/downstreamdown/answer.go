package downstreamdown

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// saysCoupling answers the coupling question in words, from the outcome's
// metrics: how many orders a client could place while inventory-svc was
// down, and how many completed.
func saysCoupling(o kit.Outcome) string {
	accepted, okA := o.OrdersOf(kit.AcceptedPct)
	confirmed, okC := o.OrdersOf(kit.SuccessPct)
	if !okA || !okC {
		return ""
	}
	s := accepted + " accepted while inventory-svc was down; " + confirmed + " confirmed"
	if c, ok := o.Ms(kit.CatchUp); ok {
		s += ", the last " + c + " after it came back"
	}
	return s
}

// saysOperate answers the operate-a-broker question in words: the backlog
// the broker held for inventory-svc while it was down, and the catch-up.
func saysOperate(o kit.Outcome) string {
	if o.Mode == string(stackmode.Sync) {
		failed, ok := o.OrdersOf(FailedWhileDownPct)
		if !ok {
			return ""
		}
		return "no broker to hold them: " + failed + " failed while inventory-svc was down"
	}
	backlog, okB := o.Count(kit.Backlog)
	caughtUp, okC := o.Ms(kit.CatchUp)
	if !okB || !okC {
		return ""
	}
	return kit.Counted(backlog, "event") + " waited in the broker for inventory-svc while it was down; all orders final " + caughtUp + " after it came back"
}
