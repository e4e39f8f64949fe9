package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// syncCompensation is how long order-svc's sync placing request may spend
// undoing what it did after a failed call (order-svc's compensationTimeout):
// part of the longest life of a sync order.
const syncCompensation = 5 * time.Second

// deadline is how long an order may stay not final (0: no bound), and
// where that comes from, as the report says it.
type deadline struct {
	d     time.Duration
	label string
}

// deadlineOf asks order-svc (GET /admin/knobs) what bounds an order's life
// in its mode. Events: ORDER_DEADLINE, after which order-svc cancels the
// order ("off": nothing is judged stuck). Sync: the placing request's own
// timeout — two calls of at most HTTP_CLIENT_TIMEOUT each, then a
// compensation of at most syncCompensation; a sync order not final after
// that lost its request (order-svc crashed in the middle of it) and nothing
// will ever finish it.
func deadlineOf(ctx context.Context, orderSvc string) (deadline, stackmode.Mode, error) {
	k, err := api.GetKnobs(ctx, orderSvc, nil)
	if err != nil {
		return deadline{}, "", fmt.Errorf("order-svc's knobs (the deadline): %w", err)
	}
	saga, _ := k.Knobs["SAGA"].(string)
	mode := stackmode.OfService(string(k.Mode), saga)
	name := "ORDER_DEADLINE"
	if mode == stackmode.Sync {
		name = "HTTP_CLIENT_TIMEOUT"
	}
	v, ok := k.Knobs[name]
	if !ok {
		return deadline{}, mode, fmt.Errorf("order-svc (%s) shows no %s in /admin/knobs: rebuild and restart the stack with `flowctl up --mode %s`", mode, name, mode)
	}
	s := fmt.Sprint(v)
	if mode != stackmode.Sync && s == "off" {
		return deadline{label: "off: ORDER_DEADLINE=off, so no order is judged stuck"}, mode, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return deadline{}, mode, fmt.Errorf("order-svc's %s is %q, not a positive duration", name, s)
	}
	if mode != stackmode.Sync {
		return deadline{d: d, label: "ORDER_DEADLINE " + s}, mode, nil
	}
	life := 2*d + syncCompensation
	return deadline{d: life, label: fmt.Sprintf("%s: the placing request's, 2 × HTTP_CLIENT_TIMEOUT %s + %s to compensate", life, s, syncCompensation)}, mode, nil
}
