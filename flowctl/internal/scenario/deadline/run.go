package deadline

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// EventsDeadline is the ORDER_DEADLINE the events run sets: short enough
// for a lesson, far above the time to consistency of an order that is not
// held back (docs/runs).
const EventsDeadline = 2 * time.Second

// syncOverTimeout is how far the sync run's latency fault goes above
// HTTP_CLIENT_TIMEOUT: enough for every reservation call to time out, and
// little enough that order-svc's compensation — the reservation asked
// again, then released, each as slow, within one 5 s budget — still fits
// (with 2 s + 1 s it does not, and the stock stays held: the ledger check
// says so).
const syncOverTimeout = 250 * time.Millisecond

func run(ctx context.Context, e *kit.Env, t kit.Target) (measured, error) {
	if t.Mode == stackmode.Sync {
		return runSync(ctx, e, t)
	}
	return runEvents(ctx, e, t)
}

// runEvents restarts order-svc with a short ORDER_DEADLINE, pauses
// inventory-svc's consumers, places the batch and keeps the consumers
// paused until every order is final (the deadline is the only way out),
// resumes them and waits for the late reservations to be released. The
// deadline and the consumers are put back whatever happens.
func runEvents(ctx context.Context, e *kit.Env, t kit.Target) (measured, error) {
	m := measured{Deadline: EventsDeadline}
	n := e.Size.Orders
	if err := e.StockFor(ctx, t, "deadline", n, nil); err != nil {
		return m, err
	}
	e.Step("  restarting %s with ORDER_DEADLINE=%s", topology.OrderSvc, EventsDeadline)
	inventory := t.Admin[topology.InventorySvc]
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		if err := inventory.ClearFaults(cctx); err != nil {
			e.Step("  (could not resume %s's consumers: %v; `flowctl fault clear` does)", topology.InventorySvc, err)
		}
		e.Step("  restarting %s with its default ORDER_DEADLINE", topology.OrderSvc)
		if err := e.Control.SetEnv(cctx, t.Mode, topology.OrderSvc, nil); err != nil {
			e.Step("  (could not restore %s: %v; `flowctl up --mode %s` does)", topology.OrderSvc, err, t.Mode)
		}
	}()
	if err := e.Control.SetEnv(ctx, t.Mode, topology.OrderSvc, map[string]string{"ORDER_DEADLINE": EventsDeadline.String()}); err != nil {
		return m, err
	}
	if err := checkKnob(ctx, t, "ORDER_DEADLINE", EventsDeadline.String()); err != nil {
		return m, err
	}
	if _, err := inventory.SetFaults(ctx, api.Faults{ConsumersPaused: true}); err != nil {
		return m, err
	}
	pausedAt := time.Now()
	e.Step("  %s's consumers paused; placing %d orders at %g/s", topology.InventorySvc, n, e.Size.Rate)
	res, err := e.Place(ctx, t, "deadline", n, e.Size.Rate, nil)
	if err != nil {
		return m, err
	}
	// While paused nothing but the deadline can end an order.
	if m.Followed, err = e.Follow(ctx, t, "deadline", &res); err != nil {
		return m, err
	}
	if err := sleep(ctx, e.Size.DownFor-time.Since(pausedAt)); err != nil {
		return m, err
	}
	if err := inventory.ClearFaults(ctx); err != nil {
		return m, err
	}
	m.PausedFor = time.Since(pausedAt)
	e.Step("  %s's consumers resumed after %s", topology.InventorySvc, stats.Duration(m.PausedFor))
	m.Res = res
	m.Rows, _, err = e.ReservationsOf(ctx, t, ids(res), kit.Settled)
	return m, err
}

// runSync slows inventory-svc above order-svc's HTTP_CLIENT_TIMEOUT while
// the batch is placed, then reads what inventory-svc holds for the orders
// once the slowed requests are over.
func runSync(ctx context.Context, e *kit.Env, t kit.Target) (measured, error) {
	var m measured
	k, err := api.GetKnobs(ctx, t.URLs[topology.OrderSvc], &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return m, fmt.Errorf("%s knobs: %w", topology.OrderSvc, err)
	}
	if m.Deadline, err = time.ParseDuration(fmt.Sprint(k.Knobs["HTTP_CLIENT_TIMEOUT"])); err != nil {
		return m, fmt.Errorf("%s's HTTP_CLIENT_TIMEOUT knob %v: %w", topology.OrderSvc, k.Knobs["HTTP_CLIENT_TIMEOUT"], err)
	}
	m.Latency = min(m.Deadline+syncOverTimeout, time.Minute)
	n := e.Size.Orders
	if err := e.StockFor(ctx, t, "deadline", n, nil); err != nil {
		return m, err
	}
	inventory := t.Admin[topology.InventorySvc]
	defer func() {
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		_ = inventory.ClearFaults(cctx)
	}()
	if _, err := inventory.SetFaults(ctx, api.Faults{Latency: m.Latency.String()}); err != nil {
		return m, err
	}
	e.Step("  %s slowed by %s (HTTP_CLIENT_TIMEOUT=%s); placing %d orders at %g/s", topology.InventorySvc, m.Latency, m.Deadline, n, e.Size.Rate)
	res, err := e.Place(ctx, t, "deadline", n, e.Size.Rate, nil)
	if err != nil {
		return m, err
	}
	if err := inventory.ClearFaults(ctx); err != nil {
		return m, err
	}
	// A request inventory-svc still delays ends at most Latency after
	// order-svc sent it, which was before order-svc gave up on it.
	if err := sleep(ctx, m.Latency-m.Deadline); err != nil {
		return m, err
	}
	if m.Followed, err = e.Follow(ctx, t, "deadline", &res); err != nil {
		return m, err
	}
	m.Res = res
	m.Rows, _, err = e.ReservationsOf(ctx, t, ids(res), nil)
	return m, err
}

// checkKnob asks order-svc whether it runs with name=want.
func checkKnob(ctx context.Context, t kit.Target, name, want string) error {
	k, err := api.GetKnobs(ctx, t.URLs[topology.OrderSvc], &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("%s knobs: %w", topology.OrderSvc, err)
	}
	if got := fmt.Sprint(k.Knobs[name]); got != want {
		return fmt.Errorf("%s runs with %s=%s after the restart, the run needs %s", topology.OrderSvc, name, got, want)
	}
	return nil
}

// ids are the batch's orders that order-svc created.
func ids(res load.Result) []string {
	var out []string
	for _, p := range res.Orders {
		if p.HasID() {
			out = append(out, p.Order.ID)
		}
	}
	return out
}

// sleep waits d (nothing when d ≤ 0) unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
