package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/orderflow/platform/events"
)

// Line is one SKU and quantity (the services' shared contract type).
type Line = events.Line

// PlaceRequest is the body of POST /orders.
type PlaceRequest struct {
	CustomerID string `json:"customer_id"`
	Items      []Line `json:"items"`
}

// Step is one entry of an order's timeline.
type Step struct {
	Step    string    `json:"step"`
	At      time.Time `json:"at"`
	AfterMS float64   `json:"after_ms"` // since the order was placed
}

// Order is an order as order-svc shows it (docs/openapi.yaml: Order).
type Order struct {
	ID            string    `json:"id"`
	CustomerID    string    `json:"customer_id"`
	Items         []Line    `json:"items"`
	Status        string    `json:"status"`
	Final         bool      `json:"final"`
	Reason        string    `json:"reason,omitempty"`
	InvoiceID     string    `json:"invoice_id,omitempty"`
	TotalCents    int64     `json:"total_cents,omitempty"`
	TraceID       string    `json:"trace_id,omitempty"`
	PlacedAt      time.Time `json:"placed_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Timeline      []Step    `json:"timeline"`
	TimeToFinalMS *float64  `json:"time_to_final_ms,omitempty"`
}

// Orders is a client of order-svc.
type Orders struct{ c client }

// NewOrders returns a client of the order-svc at base (e.g. http://127.0.0.1:8081).
func NewOrders(base string, hc *http.Client) *Orders { return &Orders{newClient(base, hc)} }

// Placement is what POST /orders answered.
type Placement struct {
	HTTPStatus int
	// Order is the whole order on 201/202; on 409 (rejected) and 503 (failed)
	// only ID and Status, taken from the problem's order_id and status.
	Order Order
}

// Place places an order. order-svc answers by the order's status: 201
// CONFIRMED, 202 PENDING, 409 REJECTED, 503 FAILED. The last two are problems,
// yet an order exists: Place then returns both the Placement, with the order's
// ID, and the *ProblemError.
func (o *Orders) Place(ctx context.Context, r PlaceRequest) (Placement, error) {
	var ord Order
	status, err := o.c.do(ctx, http.MethodPost, "/orders", r, &ord)
	p := Placement{HTTPStatus: status, Order: ord}
	if pe, ok := errors.AsType[*ProblemError](err); ok {
		p.Order = Order{ID: pe.Str("order_id"), Status: statusOf(pe), Reason: pe.Detail}
	}
	return p, err
}

// statusOf is the order status a problem answer stands for: its
// order_status extension, or else what the HTTP status means for an order.
// A problem without order_id stands for no order: order-svc refused the
// request before creating one (at HTTP_MAX_IN_FLIGHT, or invalid).
func statusOf(pe *ProblemError) string {
	if s := pe.Str("order_status"); s != "" {
		return s
	}
	if pe.Str("order_id") == "" {
		return ""
	}
	switch pe.Status {
	case http.StatusConflict:
		return "REJECTED"
	case http.StatusServiceUnavailable:
		return "FAILED"
	}
	return ""
}

// Get fetches one order.
func (o *Orders) Get(ctx context.Context, id string) (Order, error) {
	var ord Order
	_, err := o.c.do(ctx, http.MethodGet, "/orders/"+url.PathEscape(id), nil, &ord)
	return ord, err
}

// List fetches the newest orders, at most limit (1–500).
func (o *Orders) List(ctx context.Context, limit int) ([]Order, error) {
	var out struct {
		Orders []Order `json:"orders"`
	}
	if _, err := o.c.do(ctx, http.MethodGet, "/orders?limit="+strconv.Itoa(limit), nil, &out); err != nil {
		return nil, err
	}
	return out.Orders, nil
}

// Readiness is a service's /readyz answer.
type Readiness struct {
	Status  string            `json:"status"`
	Service string            `json:"service"`
	Mode    string            `json:"mode"`
	Checks  map[string]string `json:"checks"`
}

// Ready asks a service's /readyz. A 503 (not ready) is not an error: the
// answer says which check failed.
func Ready(ctx context.Context, base string, hc *http.Client) (Readiness, error) {
	c := newClient(base, hc)
	var r Readiness
	_, err := c.do(ctx, http.MethodGet, "/readyz", nil, &r)
	if pe, ok := errors.AsType[*ProblemError](err); ok && pe.Status == http.StatusServiceUnavailable {
		r.Status = "not ready"
		for k, v := range pe.Extensions {
			switch k {
			case "service":
				r.Service, _ = v.(string)
			case "mode":
				r.Mode, _ = v.(string)
			case "checks":
				if m, ok := v.(map[string]any); ok {
					r.Checks = map[string]string{}
					for ck, cv := range m {
						r.Checks[ck] = fmt.Sprint(cv)
					}
				}
			}
		}
		return r, nil
	}
	return r, err
}
