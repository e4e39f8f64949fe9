package downstreamdown

import "github.com/orderflow/flowctl/internal/scenario/kit"

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
