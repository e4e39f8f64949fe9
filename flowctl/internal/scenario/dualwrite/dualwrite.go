// Package dualwrite is the dual-write scenario: order-svc crashes right
// after an order's commit; the outbox loses no order, publishing after the
// commit (ORDER_PUBLISH=direct) does.
//
// On the orchestrated stack only the outbox round runs, and the outcome
// says the direct round is not applicable: ORDER_PUBLISH=direct is refused
// with SAGA=orchestration (platform/config), because the orchestrator's
// first command — like every command and its saga state — is written
// through the outbox in the order's own commit; there is no publish after
// the commit to lose. What is measured there is the honest half: a crash
// right after the commit loses no order.
package dualwrite

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Def is dual-write.
var Def = kit.Define(kit.Spec[dualWritten]{
	About: kit.About{
		Name:     "dual-write",
		Summary:  "order-svc crashes right after an order's commit (fault crash_after_commit): orders never announced (PENDING until the deadline cancels them) with the outbox and with ORDER_PUBLISH=direct (commit, then publish; not applicable to the orchestrated saga, which sends through the outbox only); sync: the crash between the commit and the call to inventory-svc",
		Claim:    "a dropped message costs an order: publishing after the commit loses it on a crash, the outbox does not",
		Metrics:  metrics(),
		Headline: []kit.MetricKey{Stuck.Key(RoundDirect), Stuck.Key(RoundOutbox), Stuck.Key(RoundSync)},
		Answers: []kit.Answer{{Question: kit.DelayedMessage, Place: 4,
			Keys: []kit.MetricKey{Stuck.Key(RoundDirect), Stuck.Key(RoundOutbox), Stuck.Key(RoundSync)}}},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, d dualWritten) kit.Outcome {
		o := judgeDualWrite(mode, d.Rounds)
		if d.Repair != "" {
			o.Details = append(o.Details, d.Repair)
		}
		return o
	},
})

// dualWritten is what one mode's run measured: its rounds, and in events
// mode what repairing the lost orders afterwards did.
type dualWritten struct {
	Rounds []dwRound
	Repair string
}

// run crashes order-svc right after an order's commit and counts the
// orders lost (never announced, or not final in sync): in events mode once with the outbox and once
// with ORDER_PUBLISH=direct (the dual write), in sync mode once (the crash
// falls between the commit and the call to inventory-svc).
func run(ctx context.Context, e *kit.Env, t kit.Target) (dualWritten, error) {
	n := min(e.Size.Orders, maxRoundOrders)
	if n < 2 {
		return dualWritten{}, fmt.Errorf("dual-write needs at least 2 orders (--orders %d): one before the crash and the one it falls on", e.Size.Orders)
	}
	switched := false
	defer func() { // back to the default, whatever happened: outbox, no fault
		cctx, cancel := kit.CleanupCtx(ctx)
		defer cancel()
		restoreOrderSvc(cctx, e, t, switched)
	}()
	if t.Mode == stackmode.Sync {
		r, err := crashRound(ctx, e, t, RoundSync, n)
		if err != nil {
			return dualWritten{}, err
		}
		line := cancelLost(ctx, t, r)
		if line != "" {
			e.Step("  %s", line)
		}
		return dualWritten{Rounds: []dwRound{r}, Repair: line}, nil
	}
	var rounds []dwRound
	for _, round := range roundsOf(t.Mode) {
		if round == RoundDirect {
			e.Step("  restarting order-svc with ORDER_PUBLISH=direct (the dual-write switch, off by default)")
			switched = true
			if err := e.Control.SetEnv(ctx, t.Mode, topology.OrderSvc, map[string]string{"ORDER_PUBLISH": string(config.PublishDirect)}); err != nil {
				return dualWritten{}, err
			}
		}
		if err := checkPublish(ctx, t, round); err != nil {
			return dualWritten{}, err
		}
		r, err := crashRound(ctx, e, t, round, n)
		if err != nil {
			return dualWritten{}, err
		}
		rounds = append(rounds, r)
	}
	if last := rounds[len(rounds)-1]; last.Name != RoundDirect {
		return dualWritten{Rounds: rounds}, nil // the outbox lost nothing to repair
	}
	// The repair comes after the rounds' numbers were taken; it leaves no
	// order the log never heard of for the scenarios after this one.
	line, err := repairLost(ctx, e, t, rounds[len(rounds)-1])
	if err != nil {
		line = fmt.Sprintf("cleanup: the lost orders stay PENDING (%v)", err)
	}
	if line != "" {
		e.Step("  %s", line)
	}
	return dualWritten{Rounds: rounds, Repair: line}, nil
}

// roundsOf are the rounds a brokered stack runs: both, or the outbox alone
// where ORDER_PUBLISH=direct is refused (the orchestrated saga).
func roundsOf(m stackmode.Mode) []string {
	if !directApplies(m) {
		return []string{RoundOutbox}
	}
	return []string{RoundOutbox, RoundDirect}
}

// directApplies says whether a stack can run with ORDER_PUBLISH=direct:
// platform/config refuses it with SAGA=orchestration.
func directApplies(m stackmode.Mode) bool { return m.Saga() != topology.Orchestration }

// maxRoundOrders bounds a round's batch: its orders are found again in
// order-svc's list of the newest orders, which holds at most 500.
const maxRoundOrders = 500

// checkPublish asks order-svc which ORDER_PUBLISH it runs with (GET
// /admin/knobs): a round measures the switch only if it took effect.
func checkPublish(ctx context.Context, t kit.Target, round string) error {
	k, err := api.GetKnobs(ctx, t.URLs[topology.OrderSvc], &http.Client{Timeout: 5 * time.Second})
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
func restoreOrderSvc(ctx context.Context, e *kit.Env, t kit.Target, switched bool) {
	if switched {
		e.Step("  restarting order-svc with the default ORDER_PUBLISH=outbox")
		if err := e.Control.SetEnv(ctx, t.Mode, topology.OrderSvc, nil); err != nil {
			e.Step("  (could not restore order-svc: %v; `flowctl up --mode %s` does)", err, t.Mode)
		}
		return
	}
	if !api.Healthy(ctx, t.URLs[topology.OrderSvc]) {
		if err := e.Control.StartService(ctx, t.Mode, topology.OrderSvc); err != nil {
			e.Step("  (could not restart order-svc: %v; `flowctl up --mode %s` does)", err, t.Mode)
			return
		}
	}
	_ = t.Admin[topology.OrderSvc].ClearFaults(ctx)
}

// crashRound arms crash_after_commit on order-svc, places n orders, restarts
// order-svc if it crashed, and follows the orders it committed.
func crashRound(ctx context.Context, e *kit.Env, t kit.Target, round string, n int) (dwRound, error) {
	label := "dual-write " + round
	tag := fmt.Sprintf("dw-%s-%s", round, uuid.NewString()[:8])
	req := func(i int) api.PlaceRequest {
		return api.PlaceRequest{CustomerID: fmt.Sprintf("%s-%03d", tag, i), Items: load.Mix(i).Items}
	}
	stockLabel := "dual-write" // the stock line adds the mode
	if round != RoundSync {
		stockLabel += "-" + round
	}
	if err := e.StockFor(ctx, t, stockLabel, n, req); err != nil {
		return dwRound{}, err
	}
	crashAt := (n + 1) / 2
	if _, err := t.Admin[topology.OrderSvc].SetFaults(ctx, api.Faults{CrashAfterCommit: crashAt}); err != nil {
		return dwRound{}, err
	}
	e.Step("  %s: order-svc set to crash right after its commit no. %d; placing %d orders (customers %s-…) at %g/s", round, crashAt, n, tag, e.Size.Rate)
	res, err := e.Place(ctx, t, label, n, e.Size.Rate, req)
	if err != nil {
		return dwRound{}, err
	}
	r := dwRound{Name: round, Attempts: n, Answers: res}
	if r.Crashed = !api.Healthy(ctx, t.URLs[topology.OrderSvc]); r.Crashed {
		e.Step("  order-svc crashed; starting it again")
		if err := e.Control.StartService(ctx, t.Mode, topology.OrderSvc); err != nil {
			return r, err
		}
	} else if err := t.Admin[topology.OrderSvc].ClearFaults(ctx); err != nil {
		return r, err
	}
	if r.Committed, err = committedOrders(ctx, t, tag); err != nil {
		return r, err
	}
	r.Stuck, err = followRound(ctx, e, t, label, r.Committed)
	return r, err
}

// committedOrders are the orders of a round order-svc holds: its customers
// carry the round's tag. They are read from order-svc after the restart, not
// from the answers: the request the crash fell on was never answered.
func committedOrders(ctx context.Context, t kit.Target, tag string) ([]api.Order, error) {
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
