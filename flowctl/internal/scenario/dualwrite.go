package scenario

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
)

// dualWrite crashes order-svc right after an order's commit and counts the
// orders left PENDING for good: in events mode once with the outbox and once
// with ORDER_PUBLISH=direct (the dual write), in sync mode once (the crash
// falls between the commit and the call to inventory-svc).
func dualWrite(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := min(e.Size.Orders, maxRoundOrders)
	if n < 2 {
		return Outcome{}, fmt.Errorf("dual-write needs at least 2 orders (--orders %d): one before the crash and the one it falls on", e.Size.Orders)
	}
	switched := false
	defer func() { // back to the default, whatever happened: outbox, no fault
		cctx, cancel := cleanupCtx(ctx)
		defer cancel()
		e.restoreOrderSvc(cctx, t, switched)
	}()
	if t.Mode == config.ModeSync {
		r, err := e.crashRound(ctx, t, RoundSync, n)
		if err != nil {
			return Outcome{}, err
		}
		return judgeDualWrite(t.Mode, []dwRound{r}), nil
	}
	var rounds []dwRound
	for _, round := range []string{RoundOutbox, RoundDirect} {
		if round == RoundDirect {
			e.say("  restarting order-svc with ORDER_PUBLISH=direct (the dual-write switch, off by default)")
			switched = true
			if err := e.Control.SetEnv(ctx, t.Mode, orderSvc, map[string]string{"ORDER_PUBLISH": string(config.PublishDirect)}); err != nil {
				return Outcome{}, err
			}
		}
		if err := checkPublish(ctx, t, round); err != nil {
			return Outcome{}, err
		}
		r, err := e.crashRound(ctx, t, round, n)
		if err != nil {
			return Outcome{}, err
		}
		rounds = append(rounds, r)
	}
	o := judgeDualWrite(t.Mode, rounds)
	line, err := e.repairLost(ctx, t, rounds[len(rounds)-1])
	if err != nil {
		line = fmt.Sprintf("cleanup: the lost orders stay PENDING (%v)", err)
	}
	if line != "" {
		e.say("  %s", line)
		o.Details = append(o.Details, line)
	}
	return o, nil
}

// maxRoundOrders bounds a round's batch: its orders are found again in
// order-svc's list of the newest orders, which holds at most 500.
const maxRoundOrders = 500

// checkPublish asks order-svc which ORDER_PUBLISH it runs with (GET
// /admin/knobs): a round measures the switch only if it took effect.
func checkPublish(ctx context.Context, t Target, round string) error {
	k, err := api.GetKnobs(ctx, t.URLs[orderSvc], &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("order-svc knobs: %w", err)
	}
	if got := fmt.Sprint(k.Knobs["ORDER_PUBLISH"]); got != round {
		return fmt.Errorf("order-svc runs with ORDER_PUBLISH=%s, the %s round needs %s: unset ORDER_PUBLISH before `flowctl up`", got, round, round)
	}
	return nil
}

// restoreOrderSvc puts order-svc back as the stack runs it: without the
// switch (a restart, which also drops the fault) or, when only the fault was
// set, running and without it.
func (e *Env) restoreOrderSvc(ctx context.Context, t Target, switched bool) {
	if switched {
		e.say("  restarting order-svc with the default ORDER_PUBLISH=outbox")
		if err := e.Control.SetEnv(ctx, t.Mode, orderSvc, nil); err != nil {
			e.say("  (could not restore order-svc: %v; `flowctl up --mode %s` does)", err, t.Mode)
		}
		return
	}
	if !api.Healthy(ctx, t.URLs[orderSvc]) {
		if err := e.Control.StartService(ctx, t.Mode, orderSvc); err != nil {
			e.say("  (could not restart order-svc: %v; `flowctl up --mode %s` does)", err, t.Mode)
			return
		}
	}
	_ = t.Admin[orderSvc].ClearFaults(ctx)
}

// crashRound arms crash_after_commit on order-svc, places n orders, restarts
// order-svc if it crashed, and follows the orders it committed.
func (e *Env) crashRound(ctx context.Context, t Target, round string, n int) (dwRound, error) {
	label := "dual-write " + round
	tag := fmt.Sprintf("dw-%s-%s", round, uuid.NewString()[:8])
	req := func(i int) api.PlaceRequest {
		return api.PlaceRequest{CustomerID: fmt.Sprintf("%s-%03d", tag, i), Items: load.Mix(i).Items}
	}
	stockLabel := "dual-write" // the stock line adds the mode
	if round != RoundSync {
		stockLabel += "-" + round
	}
	if err := e.stockFor(ctx, t, stockLabel, n, req); err != nil {
		return dwRound{}, err
	}
	crashAt := (n + 1) / 2
	if _, err := t.Admin[orderSvc].SetFaults(ctx, api.Faults{CrashAfterCommit: crashAt}); err != nil {
		return dwRound{}, err
	}
	e.say("  %s: order-svc set to crash right after its commit no. %d; placing %d orders (customers %s-…) at %g/s", round, crashAt, n, tag, e.Size.Rate)
	res, err := e.place(ctx, t, label, n, e.Size.Rate, req)
	if err != nil {
		return dwRound{}, err
	}
	r := dwRound{Name: round, Attempts: n, Answers: res}
	if r.Crashed = !api.Healthy(ctx, t.URLs[orderSvc]); r.Crashed {
		e.say("  order-svc crashed; starting it again")
		if err := e.Control.StartService(ctx, t.Mode, orderSvc); err != nil {
			return r, err
		}
	} else if err := t.Admin[orderSvc].ClearFaults(ctx); err != nil {
		return r, err
	}
	if r.Committed, err = committedOrders(ctx, t, tag); err != nil {
		return r, err
	}
	r.Stuck, err = e.followRound(ctx, t, label, r.Committed)
	return r, err
}

// committedOrders are the orders of a round order-svc holds: its customers
// carry the round's tag. They are read from order-svc after the restart, not
// from the answers: the request the crash fell on was never answered.
func committedOrders(ctx context.Context, t Target, tag string) ([]api.Order, error) {
	all, err := t.Orders.List(ctx, maxRoundOrders)
	if err != nil {
		return nil, fmt.Errorf("order-svc orders after the restart: %w", err)
	}
	var out []api.Order
	for _, o := range all {
		if strings.HasPrefix(o.CustomerID, tag+"-") {
			out = append(out, o)
		}
	}
	return out, nil
}
