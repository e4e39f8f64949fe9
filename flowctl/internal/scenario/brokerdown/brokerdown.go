// Package brokerdown is the broker-down scenario: Kafka stopped while orders
// arrive; events accept through the outbox and complete after it returns,
// sync does not notice.
package brokerdown

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"

	"github.com/orderflow/platform/retry"
)

// Def is broker-down.
var Def = kit.Define(kit.Spec[brokerDownRun]{
	About: kit.About{
		Name:    "broker-down",
		Summary: "Kafka stopped while orders arrive: events keep accepting through the outbox and complete after it returns; sync does not notice",
		Claim:   "a broker is one more system to run; a delayed message has a cost the design must state",
		Metrics: append(kit.LoadMetrics(), kit.AcceptedPct, PendingWhileDown, OutboxPending, Noticed, BrokerDown, kit.CatchUp, FirstMove),
		Headline: []kit.MetricKey{kit.SuccessPct.Key, kit.PlacementP50.Key, kit.TTCP99.Key, kit.CatchUp.Key,
			kit.AcceptedPct.Key, kit.PlacementP99.Key, kit.TTCP50.Key},
		Answers: []kit.Answer{
			{Question: kit.DelayedMessage, Place: 1, Keys: []kit.MetricKey{kit.AcceptedPct.Key, kit.CatchUp.Key, kit.TTCP99.Key}, Says: saysDelay},
			{Question: kit.OperateBroker, Place: 1, Keys: []kit.MetricKey{kit.CatchUp.Key, PendingWhileDown.Key}, Says: saysOperate},
		},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, b brokerDownRun) kit.Outcome {
		o := judgeBrokerDown(mode, b.Res, b)
		b.Followed.Put(&o)
		return o
	},
})

// The metrics of broker-down's own.
var (
	PendingWhileDown = kit.MetricDef{Key: "pending_while_down", Label: "not final when read while down", Short: "pending while down", Unit: kit.UnitOrders}
	OutboxPending    = kit.MetricDef{Key: "outbox_pending_events", Label: "unpublished outbox rows while down (/metrics)", Short: "in the outbox", Unit: kit.UnitEvents}
	Noticed          = kit.MetricDef{Key: "noticed_after_ms", Label: "noticed after the stop began", Short: "noticed after", Unit: kit.UnitMS}
	BrokerDown       = kit.MetricDef{Key: "broker_down_ms", Label: "broker unavailable (stop done to answering again)", Short: "broker down", Unit: kit.UnitMS}
	FirstMove        = kit.MetricDef{Key: "first_move_ms", Label: "first order moved after the broker returned", Short: "first move after", Unit: kit.UnitMS}
)

// brokerDownRun is what broker-down measured while the broker was away.
type brokerDownRun struct {
	N int
	// Accepted counts 2xx answers; ConfirmedAnswers the 201 CONFIRMED ones:
	// sync orders that completed while the broker was down.
	Accepted, ConfirmedAnswers int
	// Read and PendingRead are the one round of reads while it was down.
	Read, PendingRead int
	// Outbox is the unpublished outbox rows the services reported then.
	Outbox   float64
	OutboxOK bool
	// OutboxBy is Outbox per service, for the verdict.
	OutboxBy map[string]float64
	// Noticed is how long after the stop began the stack noticed, and how.
	Noticed    time.Duration
	NoticedHow string
	NoticedOK  bool
	WasRunning bool
	DownAt     time.Time
	UpAt       time.Time // zero when no broker ran
	// Res is the batch, followed to the end after the broker returned.
	Res      load.Result
	Followed kit.Followed
}

// run stops Kafka, places orders while it is down, starts it again and
// follows the orders to the end.
func run(ctx context.Context, e *kit.Env, t kit.Target) (brokerDownRun, error) {
	b := brokerDownRun{N: max(1, int(e.Size.Rate*e.Size.DownFor.Seconds()+0.5))}
	e.Step("  stopping the Kafka broker (%s)", e.Control.Runtime())
	watch := watchNotice(ctx, e, t)
	wasRunning, err := e.Control.StopBroker(ctx)
	if err != nil {
		watch.Stop()
		return brokerDownRun{}, err
	}
	b.WasRunning = wasRunning
	restarted := !wasRunning
	defer func() {
		if !restarted {
			cctx, cancel := kit.CleanupCtx(ctx)
			defer cancel()
			_ = e.Control.StartBroker(cctx)
		}
	}()
	b.DownAt = time.Now()
	e.Step("  placing %d orders at %g/s while it is down", b.N, e.Size.Rate)
	res, err := e.Batch(ctx, t, "broker-down", b.N, e.Size.Rate, nil)
	if err != nil {
		watch.Stop()
		return brokerDownRun{}, err
	}
	for _, p := range res.Orders {
		if p.Accepted() {
			b.Accepted++
			if p.Order.Status == "CONFIRMED" {
				b.ConfirmedAnswers++
			}
		}
	}
	// What the orders and the outbox look like while the broker is away.
	if b.Read, b.PendingRead, err = readRound(ctx, res, t.Orders); err != nil {
		watch.Stop()
		return brokerDownRun{}, err
	}
	b.OutboxBy = outboxPendingBy(ctx, t)
	for _, v := range b.OutboxBy {
		b.Outbox += v
	}
	b.OutboxOK = len(b.OutboxBy) > 0
	if rest := e.Size.DownFor - time.Since(b.DownAt); rest > 0 {
		if err := retry.Until(ctx, time.Now().Add(rest)); err != nil {
			watch.Stop()
			return brokerDownRun{}, err
		}
	}
	b.Noticed, b.NoticedHow, b.NoticedOK = watch.Stop()
	if wasRunning {
		e.Step("  starting the broker again (it was down %s)", stats.Duration(time.Since(b.DownAt)))
		startAt := time.Now()
		if err := e.Control.StartBroker(ctx); err != nil {
			return brokerDownRun{}, err
		}
		restarted = true
		b.UpAt = time.Now()
		// A real Kafka takes seconds to start (and to stop): part of what an
		// outage costs, and not part of the catch-up measured from here.
		e.Step("  the broker answers again; its start took %s", stats.Duration(b.UpAt.Sub(startAt)))
	}
	if b.Followed, err = e.Follow(ctx, t, "broker-down", &res); err != nil {
		return brokerDownRun{}, err
	}
	if wasRunning {
		if err := settleOthers(ctx, e, t); err != nil {
			return brokerDownRun{}, err
		}
	}
	if t.Mode.Kafka() && !wasRunning {
		return brokerDownRun{}, fmt.Errorf("no broker was running to stop: bring the events stack up first")
	}
	b.Res = res
	return b, nil
}

// judgeBrokerDown turns the followed batch into the outcome. Sync holds
// when every order was confirmed in its answer while the broker was down
// and stayed so; events when every order was accepted, its event waited in
// the outbox, and every order was confirmed after the broker returned.
func judgeBrokerDown(mode stackmode.Mode, res load.Result, b brokerDownRun) kit.Outcome {
	s := load.Summarize(res)
	o := kit.OutcomeOf(s, b.N)
	confirmed := s.ByStatus["CONFIRMED"]
	o.Put(kit.AcceptedPct, stats.Share(b.Accepted, b.N))
	o.PutAs(PendingWhileDown, fmt.Sprintf("not final when read while down (%d of %d read)", b.Read, b.N), float64(b.PendingRead))
	if b.OutboxOK {
		o.Put(OutboxPending, b.Outbox)
	}
	noticed := "no service noticed while it was down"
	if b.NoticedOK {
		o.PutAs(Noticed, fmt.Sprintf("noticed after the stop began (±%d ms)", noticePoll.Milliseconds()), stats.Millis(b.Noticed))
		noticed = fmt.Sprintf("noticed %s after the stop began (%s)", stats.Duration(b.Noticed), b.NoticedHow)
	}
	o.Details = append(o.Details, noticed)
	if !b.UpAt.IsZero() {
		o.Put(BrokerDown, stats.Millis(b.UpAt.Sub(b.DownAt)))
	}
	if mode == stackmode.Sync {
		o.Holds = b.ConfirmedAnswers == b.N && confirmed == b.N
		note := "it never uses it"
		if !b.WasRunning {
			note = "no broker ran at all"
		}
		o.Verdict = fmt.Sprintf("sync: %d of %d orders answered CONFIRMED while Kafka was down, %d confirmed in the end — %s",
			b.ConfirmedAnswers, b.N, confirmed, note)
		return o
	}
	catchUp := max(kit.LastFinal(res).Sub(b.UpAt), 0)
	o.PutAs(kit.CatchUp, "all final after the broker returned", stats.Millis(catchUp))
	// The catch-up in two parts: until the first order moved, the clients
	// reconnected and the consumer groups re-formed; after that the backlog
	// was worked off.
	restart := ""
	if first := firstMove(res); !first.IsZero() {
		firstMoved := max(first.Sub(b.UpAt), 0)
		o.Put(FirstMove, stats.Millis(firstMoved))
		restart = fmt.Sprintf(" (%s until the first moved: clients reconnecting, consumer groups re-forming; %s working off the backlog)",
			stats.Duration(firstMoved), stats.Duration(max(catchUp-firstMoved, 0)))
	}
	outbox := "outbox not readable"
	if b.OutboxOK {
		outbox = outboxText(b.OutboxBy)
	}
	o.Holds = b.Accepted == b.N && confirmed == b.N && b.OutboxOK && b.Outbox > 0
	o.Verdict = fmt.Sprintf("%s: %d of %d accepted while Kafka was down (%d of %d read back PENDING, %s; %s); %d confirmed, the last %s after it came back%s",
		mode, b.Accepted, b.N, b.PendingRead, b.Read, outbox, noticed, confirmed, stats.Duration(catchUp), restart)
	return o
}

// firstMove is when the first of a batch's orders took a step after
// "placed": the first event handled at the end of a hop.
func firstMove(r load.Result) time.Time {
	var first time.Time
	for _, p := range r.Orders {
		for _, st := range p.Order.Timeline {
			if st.Step != "placed" && (first.IsZero() || st.At.Before(first)) {
				first = st.At
			}
		}
	}
	return first
}
