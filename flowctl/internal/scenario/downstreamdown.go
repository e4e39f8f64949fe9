package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

const inventory = "inventory-svc"

// downstreamDown stops inventory-svc, places orders while it is down, starts
// it again and follows the orders to the end.
func downstreamDown(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := max(1, int(e.Size.Rate*e.Size.DownFor.Seconds()+0.5))
	if err := e.stockFor(ctx, t, "downstream-down", n, nil); err != nil { // while inventory-svc still answers
		return Outcome{}, err
	}
	e.say("  stopping %s (%s, %s)", inventory, t.Mode, e.Control.Runtime())
	if err := e.Control.StopService(ctx, t.Mode, inventory); err != nil {
		return Outcome{}, err
	}
	restarted := false
	defer func() {
		if !restarted { // leave the stack whole even when the run failed
			cctx, cancel := cleanupCtx(ctx)
			defer cancel()
			_ = e.Control.StartService(cctx, t.Mode, inventory)
		}
	}()
	downAt := time.Now()
	e.say("  placing %d orders at %g/s while it is down", n, e.Size.Rate)
	res, err := e.place(ctx, t, "downstream-down", n, e.Size.Rate, nil)
	if err != nil {
		return Outcome{}, err
	}
	accepted, failedAnswers := answerCounts(res)
	backlog, backlogOK := e.backlog(ctx, t, inventory, "orders.v1")
	if rest := e.Size.DownFor - time.Since(downAt); rest > 0 {
		select {
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		case <-time.After(rest):
		}
	}
	e.say("  starting %s again (it was down %s)", inventory, seconds(time.Since(downAt)))
	if err := e.Control.StartService(ctx, t.Mode, inventory); err != nil {
		return Outcome{}, err
	}
	restarted = true
	upAt := time.Now()
	if _, err := e.follow(ctx, t, "downstream-down", &res); err != nil {
		return Outcome{}, err
	}
	o := judgeDownstreamDown(t.Mode, res, n, accepted, failedAnswers, backlog, backlogOK, downAt, upAt)
	e.putFollow(&o)
	return o, nil
}

// answerCounts counts, from the answers to the POSTs alone, the orders the
// client was told will complete (2xx) and those it was told failed (a 5xx or
// no answer at all).
func answerCounts(res load.Result) (accepted, failed int) {
	for _, p := range res.Orders {
		switch {
		case p.Accepted():
			accepted++
		case p.HTTPStatus >= 500 || p.HTTPStatus == 0:
			failed++
		}
	}
	return accepted, failed
}

// judgeDownstreamDown turns the followed batch into the outcome: sync holds
// when every order failed and none was accepted; events when every order
// was accepted (2xx) while inventory was down and confirmed after.
func judgeDownstreamDown(mode config.Mode, res load.Result, n, accepted, failedAnswers int, backlog int64, backlogOK bool, downAt, upAt time.Time) Outcome {
	s := load.Summarize(res)
	o := outcomeOf(s, n)
	confirmed := s.ByStatus["CONFIRMED"]
	o.put(KeyAcceptedPct, "accepted while down (2xx: will complete)", stats.Share(accepted, n), "%")
	o.put(KeyFailedWhileDownPct, "failed while down (5xx or no answer)", stats.Share(failedAnswers, n), "%")
	o.put(KeyDownForMS, "inventory down for", float64(upAt.Sub(downAt).Milliseconds()), "ms")
	if mode == config.ModeSync {
		o.Holds = confirmed == 0 && accepted == 0 && failedAnswers == n
		o.Verdict = fmt.Sprintf("sync: %d of %d orders accepted and %d confirmed while inventory was down (%s)",
			accepted, n, confirmed, statusList(s.ByStatus))
		return o
	}
	catchUp := lastFinal(res).Sub(upAt)
	if backlogOK {
		o.put(KeyBacklogEvents, "backlog while down", float64(backlog), "events")
	}
	o.put(KeyCatchUpMS, "all final after restart", float64(max(catchUp, 0).Milliseconds()), "ms")
	o.Holds = accepted == n && confirmed == n
	backlogText := ""
	if backlogOK {
		backlogText = fmt.Sprintf(" (backlog %d events on orders.v1)", backlog)
	}
	o.Verdict = fmt.Sprintf("events: %d of %d accepted while inventory was down%s; %d confirmed, the last %s after it came back",
		accepted, n, backlogText, confirmed, seconds(max(catchUp, 0)))
	return o
}

// lastFinal is when the last order of a batch became final, by the
// services' clocks.
func lastFinal(r load.Result) time.Time {
	var last time.Time
	for _, p := range r.Orders {
		if p.Order.Final && p.Order.UpdatedAt.After(last) {
			last = p.Order.UpdatedAt
		}
	}
	return last
}

// cleanupCtx outlives an interrupt long enough to put a stopped service or
// broker back.
func cleanupCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
}
