package slowdownstream

import "github.com/orderflow/flowctl/internal/scenario/kit"

// saysCoupling answers the coupling question in words: how long a client
// waited with inventory-svc slowed, and how many orders completed.
func saysCoupling(o kit.Outcome) string {
	spread, okS := o.Spread(kit.PlacementP50, kit.PlacementP99)
	slower, okL := o.Ms(InjectedLatency)
	confirmed, okC := o.OrdersOf(kit.SuccessPct)
	if !okS || !okL || !okC {
		return ""
	}
	return "the client waited " + spread + " for its answer with inventory-svc " + slower + " slower; " + confirmed + " confirmed"
}
