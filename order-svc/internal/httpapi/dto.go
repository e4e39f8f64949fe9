package httpapi

import (
	"time"

	"github.com/orderflow/order-svc/internal/httpapi/gen"
	"github.com/orderflow/order-svc/internal/order"
)

func fromLines(in []gen.Line) []order.Line {
	out := make([]order.Line, 0, len(in))
	for _, l := range in {
		out = append(out, order.Line{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

// toDTO is an order as the API shows it (docs/openapi.yaml: Order).
func toDTO(o order.Order) gen.Order {
	d := gen.Order{ID: o.ID, CustomerID: o.CustomerID, Status: gen.OrderStatus(o.Status), Final: o.Status.Final(), Reason: o.Reason,
		InvoiceID: o.InvoiceID, TotalCents: o.TotalCents, TraceID: o.TraceID, PlacedAt: o.PlacedAt, UpdatedAt: o.UpdatedAt,
		Items: make([]gen.Line, 0, len(o.Items))}
	for _, l := range o.Items {
		d.Items = append(d.Items, gen.Line{SKU: l.SKU, Qty: l.Qty})
	}
	for _, s := range o.Timeline() {
		d.Timeline = append(d.Timeline, gen.TimelineStep{Step: gen.TimelineStepStep(s.Step), At: s.At, AfterMS: ms(s.At.Sub(o.PlacedAt))})
	}
	if t, ok := o.TimeToFinal(); ok {
		v := ms(t)
		d.TimeToFinalMS = &v
	}
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
