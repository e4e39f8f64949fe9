// Package downstreamdown is the downstream-down scenario: inventory-svc
// stopped while orders arrive; sync orders fail, events orders (either saga
// style) are accepted and complete after it comes back.
package downstreamdown

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is downstream-down.
var Def = kit.Define(kit.Spec[outage]{
	About: kit.About{
		Name:    "downstream-down",
		Summary: "inventory-svc stopped while orders arrive: sync share failed; events share accepted, backlog, catch-up after restart",
		Claim:   "events remove coupling: with inventory down, sync orders fail while events orders are accepted and complete later",
		Metrics: append(kit.LoadMetrics(), kit.AcceptedPct, FailedWhileDownPct, DownFor, kit.Backlog, kit.CatchUp),
		Headline: []kit.MetricKey{kit.SuccessPct.Key, kit.PlacementP50.Key, kit.TTCP99.Key, kit.CatchUp.Key, kit.Backlog.Key,
			kit.AcceptedPct.Key, kit.PlacementP99.Key, kit.TTCP50.Key},
		Answers: []kit.Answer{
			{Question: kit.Coupling, Place: 1, Keys: []kit.MetricKey{kit.SuccessPct.Key, kit.AcceptedPct.Key}, Says: saysCoupling},
			{Question: kit.OperateBroker, Place: 2, Keys: []kit.MetricKey{kit.Backlog.Key, kit.CatchUp.Key}, Says: saysOperate},
		},
	},
	Run:   run,
	Judge: judge,
})

// Metrics of downstream-down's own.
var (
	FailedWhileDownPct = kit.MetricDef{Key: "failed_while_down_pct", Label: "failed while down (5xx or no answer)", Short: "failed while down", Unit: kit.UnitPct}
	DownFor            = kit.MetricDef{Key: "down_for_ms", Label: "inventory down for", Short: "down for", Unit: kit.UnitMS}
)

// outage is what one mode's run measured: the batch placed while
// inventory-svc was down, followed to the end after it came back.
type outage struct {
	Res                 load.Result
	N, Accepted, Failed int
	Backlog             int64
	BacklogOK           bool
	// BacklogOn are the topics the backlog was counted on: what
	// inventory-svc consumes in the stack's saga style.
	BacklogOn    []string
	DownAt, UpAt time.Time
	Followed     kit.Followed
}

func judge(mode stackmode.Mode, m outage) kit.Outcome {
	o := judgeDownstreamDown(mode, m)
	m.Followed.Put(&o)
	return o
}

// run stops inventory-svc, places orders while it is down, starts it again
// and follows the orders to the end.
func run(ctx context.Context, e *kit.Env, t kit.Target) (outage, error) {
	n := max(1, int(e.Size.Rate*e.Size.DownFor.Seconds()+0.5))
	if err := e.StockFor(ctx, t, "downstream-down", n, nil); err != nil { // while inventory-svc still answers
		return outage{}, err
	}
	e.Step("  stopping %s (%s, %s)", topology.InventorySvc, t.Mode, e.Control.Runtime())
	if err := e.Control.StopService(ctx, t.Mode, topology.InventorySvc); err != nil {
		return outage{}, err
	}
	restarted := false
	defer func() {
		if !restarted { // leave the stack whole even when the run failed
			cctx, cancel := kit.CleanupCtx(ctx)
			defer cancel()
			_ = e.Control.StartService(cctx, t.Mode, topology.InventorySvc)
		}
	}()
	downAt := time.Now()
	e.Step("  placing %d orders at %g/s while it is down", n, e.Size.Rate)
	res, err := e.Place(ctx, t, "downstream-down", n, e.Size.Rate, nil)
	if err != nil {
		return outage{}, err
	}
	accepted, failedAnswers := answerCounts(res)
	backlog, backlogOK := e.Backlog(ctx, t, topology.InventorySvc)
	if rest := e.Size.DownFor - time.Since(downAt); rest > 0 {
		select {
		case <-ctx.Done():
			return outage{}, ctx.Err()
		case <-time.After(rest):
		}
	}
	e.Step("  starting %s again (it was down %s)", topology.InventorySvc, stats.Duration(time.Since(downAt)))
	if err := e.Control.StartService(ctx, t.Mode, topology.InventorySvc); err != nil {
		return outage{}, err
	}
	restarted = true
	upAt := time.Now()
	f, err := e.Follow(ctx, t, "downstream-down", &res)
	if err != nil {
		return outage{}, err
	}
	return outage{Res: res, N: n, Accepted: accepted, Failed: failedAnswers, Backlog: backlog, BacklogOK: backlogOK,
		BacklogOn: e.Consumes(t, topology.InventorySvc), DownAt: downAt, UpAt: upAt, Followed: f}, nil
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
// when every order failed and none was accepted; a brokered stack (either
// saga style) when every order was accepted (2xx) while inventory was down
// and confirmed after.
func judgeDownstreamDown(mode stackmode.Mode, m outage) kit.Outcome {
	res, n, accepted, failedAnswers, backlog, backlogOK, downAt, upAt := m.Res, m.N, m.Accepted, m.Failed, m.Backlog, m.BacklogOK, m.DownAt, m.UpAt
	s := load.Summarize(res)
	o := kit.OutcomeOf(s, n)
	confirmed := s.ByStatus["CONFIRMED"]
	o.PutAs(kit.AcceptedPct, "accepted while down (2xx: will complete)", stats.Share(accepted, n))
	o.Put(FailedWhileDownPct, stats.Share(failedAnswers, n))
	o.Put(DownFor, stats.Millis(upAt.Sub(downAt)))
	if mode == stackmode.Sync {
		o.Holds = confirmed == 0 && accepted == 0 && failedAnswers == n
		o.Verdict = fmt.Sprintf("sync: %d of %d orders accepted and %d confirmed while inventory was down (%s)",
			accepted, n, confirmed, kit.StatusList(s.ByStatus))
		return o
	}
	catchUp := kit.LastFinal(res).Sub(upAt)
	if backlogOK {
		o.PutAs(kit.Backlog, "backlog while down: events inventory-svc had not consumed, after the last order was placed", float64(backlog))
	}
	o.PutAs(kit.CatchUp, "all final after restart", stats.Millis(max(catchUp, 0)))
	o.Holds = accepted == n && confirmed == n
	backlogText := ""
	if backlogOK {
		backlogText = fmt.Sprintf(" (%s waiting for inventory-svc in the topics it consumes (%s), counted right after the last answer", kit.Counted(int(backlog), "event"), strings.Join(m.BacklogOn, ", "))
		// An order's event reaches the topic through the outbox a moment
		// after its answer: the last few may not be there yet (59 for 60).
		if short := int64(accepted) - backlog; short > 0 {
			backlogText += fmt.Sprintf("; the outbox had not yet published the other %d", short)
		}
		backlogText += ")"
	}
	o.Verdict = fmt.Sprintf("%s: %d of %d accepted while inventory was down%s; %d confirmed, the last %s after it came back",
		mode, accepted, n, backlogText, confirmed, stats.Duration(max(catchUp, 0)))
	return o
}
