package evolution

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// saysCoupling answers the coupling question in words: the orders that
// failed while the downstream services were redeployed, and what a reader
// that joined late could learn without asking order-svc.
func saysCoupling(o kit.Outcome) string {
	failed, okF := o.Count(DeployFailed)
	n, okN := o.Count(kit.Orders)
	past, okP := o.Count(LatePastOrders)
	found, okL := o.Metric(LateOrdersPct.Key)
	asked, okR := o.Count(LateRequests)
	if !okF || !okN || !okP || !okL || !okR {
		return ""
	}
	return fmt.Sprintf("%s failed during a rolling deploy of inventory-svc and invoicing-svc; a reader that joined late found %s placed before it, with %s to order-svc",
		stats.Of(failed, n, "orders"), stats.Of(int(found.Value*float64(past)/100+0.5), past, "orders"), kit.Counted(asked, "request"))
}
