package investigate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// OrderTrace is `flowctl trace`'s lookup: it finds order id (or its short
// id) at the order-svc of mode's stack (orders, answering at base) and
// investigates the order once its spans are in Jaeger. The order comes back
// too: the trace of an order that is not final yet is not complete.
func OrderTrace(ctx context.Context, orders *api.Orders, base string, j *api.Jaeger, id string, m stackmode.Mode) (Investigation, api.Order, error) {
	id, err := orders.ResolveID(ctx, id)
	if err != nil {
		return Investigation{}, api.Order{}, explain.Unreachable(err, "order-svc at "+base, string(m))
	}
	o, err := orders.Get(ctx, id)
	if pe, ok := errors.AsType[*api.ProblemError](err); ok && pe.Status == http.StatusNotFound {
		return Investigation{}, o, fmt.Errorf("order %s is not known to the %s stack's order-svc at %s: check the id, or try the other --mode", id, m, base)
	}
	if err != nil {
		return Investigation{}, o, explain.Unreachable(err, "order-svc at "+base, string(m))
	}
	inv, err := Await(ctx, j, InputFor(o, m), o.UpdatedAt)
	return inv, o, explain.Interrupted(ctx, err)
}

// InputFor is what investigating order o of mode's stack looks for: its
// spans from shortly before it was placed to shortly after it last changed.
func InputFor(o api.Order, m stackmode.Mode) Input {
	return Input{
		OrderID:  o.ID,
		TraceID:  o.TraceID,
		Mode:     string(m),
		Since:    o.PlacedAt.Add(-2 * time.Second),
		Until:    o.UpdatedAt.Add(5 * time.Second),
		Services: ServiceNames(string(m)),
		Status:   string(o.Status),
		Reason:   o.Reason,
	}
}
