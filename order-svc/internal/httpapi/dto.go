package httpapi

import (
	"time"

	"github.com/orderflow/order-svc/internal/order"
)

// placeOrderRequest is the body of POST /orders (docs/openapi.yaml: PlaceOrder).
type placeOrderRequest struct {
	CustomerID string       `json:"customer_id"`
	Items      []order.Line `json:"items"`
}

type stepDTO struct {
	Step    string    `json:"step"`
	At      time.Time `json:"at"`
	AfterMS float64   `json:"after_ms"`
}

// orderDTO is an order as the API shows it (docs/openapi.yaml: Order).
type orderDTO struct {
	ID            string       `json:"id"`
	CustomerID    string       `json:"customer_id"`
	Items         []order.Line `json:"items"`
	Status        order.Status `json:"status"`
	Final         bool         `json:"final"`
	Reason        string       `json:"reason,omitempty"`
	InvoiceID     string       `json:"invoice_id,omitempty"`
	TotalCents    int64        `json:"total_cents,omitempty"`
	TraceID       string       `json:"trace_id,omitempty"`
	PlacedAt      time.Time    `json:"placed_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	Timeline      []stepDTO    `json:"timeline"`
	TimeToFinalMS *float64     `json:"time_to_final_ms,omitempty"`
}

func toDTO(o order.Order) orderDTO {
	d := orderDTO{ID: o.ID, CustomerID: o.CustomerID, Items: o.Items, Status: o.Status, Final: o.Status.Final(), Reason: o.Reason,
		InvoiceID: o.InvoiceID, TotalCents: o.TotalCents, TraceID: o.TraceID, PlacedAt: o.PlacedAt, UpdatedAt: o.UpdatedAt}
	for _, s := range o.Timeline() {
		d.Timeline = append(d.Timeline, stepDTO{Step: s.Step, At: s.At, AfterMS: ms(s.At.Sub(o.PlacedAt))})
	}
	if t, ok := o.TimeToFinal(); ok {
		v := ms(t)
		d.TimeToFinalMS = &v
	}
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
