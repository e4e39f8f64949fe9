package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"

	"github.com/orderflow/platform/retry"
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
	// Noticed is how long after the stop began the stack noticed, and how.
	Noticed    time.Duration
	NoticedHow string
	NoticedOK  bool
	WasRunning bool
	DownAt     time.Time
	UpAt       time.Time // zero when no broker ran
}

// brokerDown stops Kafka, places orders while it is down, starts it again and
// follows the orders to the end.
func brokerDown(ctx context.Context, e *Env, t Target) (Outcome, error) {
	b := brokerDownRun{N: max(1, int(e.Size.Rate*e.Size.DownFor.Seconds()+0.5))}
	e.say("  stopping the Kafka broker (%s)", e.Control.Runtime())
	watch := e.watchNotice(ctx, t)
	wasRunning, err := e.Control.StopBroker(ctx)
	if err != nil {
		watch.Stop()
		return Outcome{}, err
	}
	b.WasRunning = wasRunning
	restarted := !wasRunning
	defer func() {
		if !restarted {
			cctx, cancel := cleanupCtx(ctx)
			defer cancel()
			_ = e.Control.StartBroker(cctx)
		}
	}()
	b.DownAt = time.Now()
	e.say("  placing %d orders at %g/s while it is down", b.N, e.Size.Rate)
	res, err := e.batch(ctx, t, "broker-down", b.N, e.Size.Rate, nil)
	if err != nil {
		watch.Stop()
		return Outcome{}, err
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
		return Outcome{}, err
	}
	b.Outbox, b.OutboxOK = outboxPending(ctx, t)
	if rest := e.Size.DownFor - time.Since(b.DownAt); rest > 0 {
		if err := retry.Until(ctx, time.Now().Add(rest)); err != nil {
			watch.Stop()
			return Outcome{}, err
		}
	}
	b.Noticed, b.NoticedHow, b.NoticedOK = watch.Stop()
	if wasRunning {
		e.say("  starting the broker again (it was down %s)", seconds(time.Since(b.DownAt)))
		startAt := time.Now()
		if err := e.Control.StartBroker(ctx); err != nil {
			return Outcome{}, err
		}
		restarted = true
		b.UpAt = time.Now()
		// A real Kafka takes seconds to start (and to stop): part of what an
		// outage costs, and not part of the catch-up measured from here.
		e.say("  the broker answers again; its start took %s", seconds(b.UpAt.Sub(startAt)))
	}
	if _, err := e.follow(ctx, t, "broker-down", &res); err != nil {
		return Outcome{}, err
	}
	if t.Mode == config.ModeEvents && !wasRunning {
		return Outcome{}, fmt.Errorf("no broker was running to stop: bring the events stack up first")
	}
	o := judgeBrokerDown(t.Mode, res, b)
	e.putFollow(&o)
	return o, nil
}

// judgeBrokerDown turns the followed batch into the outcome. Sync holds
// when every order was confirmed in its answer while the broker was down
// and stayed so; events when every order was accepted, its event waited in
// the outbox, and every order was confirmed after the broker returned.
func judgeBrokerDown(mode config.Mode, res load.Result, b brokerDownRun) Outcome {
	s := load.Summarize(res)
	o := outcomeOf(s, b.N)
	confirmed := s.ByStatus["CONFIRMED"]
	o.put(KeyAcceptedPct, "accepted while down (2xx)", stats.Share(b.Accepted, b.N), "%")
	o.put(KeyPendingWhileDown, fmt.Sprintf("not final when read while down (%d of %d read)", b.Read, b.N), float64(b.PendingRead), "orders")
	if b.OutboxOK {
		o.put(KeyOutboxPending, "unpublished outbox rows while down (/metrics)", b.Outbox, "events")
	}
	noticed := "no service noticed while it was down"
	if b.NoticedOK {
		o.put(KeyNoticedMS, fmt.Sprintf("noticed after the stop began (±%d ms)", noticePoll.Milliseconds()), float64(b.Noticed.Milliseconds()), "ms")
		noticed = fmt.Sprintf("noticed %s after the stop began (%s)", seconds(b.Noticed), b.NoticedHow)
	}
	o.Details = append(o.Details, noticed)
	if !b.UpAt.IsZero() {
		o.put(KeyBrokerDownMS, "broker unavailable (stop done to answering again)", float64(b.UpAt.Sub(b.DownAt).Milliseconds()), "ms")
	}
	if mode == config.ModeSync {
		o.Holds = b.ConfirmedAnswers == b.N && confirmed == b.N
		note := "it never uses it"
		if !b.WasRunning {
			note = "no broker ran at all"
		}
		o.Verdict = fmt.Sprintf("sync: %d of %d orders answered CONFIRMED while Kafka was down, %d confirmed in the end — %s",
			b.ConfirmedAnswers, b.N, confirmed, note)
		return o
	}
	catchUp := max(lastFinal(res).Sub(b.UpAt), 0)
	o.put(KeyCatchUpMS, "all final after the broker returned", float64(catchUp.Milliseconds()), "ms")
	// The catch-up in two parts: until the first order moved, the clients
	// reconnected and the consumer groups re-formed; after that the backlog
	// was worked off.
	restart := ""
	if first := firstMove(res); !first.IsZero() {
		firstMoved := max(first.Sub(b.UpAt), 0)
		o.put(KeyFirstMoveMS, "first order moved after the broker returned", float64(firstMoved.Milliseconds()), "ms")
		restart = fmt.Sprintf(" (%s until the first moved: clients reconnecting, consumer groups re-forming; %s working off the backlog)",
			seconds(firstMoved), seconds(max(catchUp-firstMoved, 0)))
	}
	outbox := "outbox not readable"
	if b.OutboxOK {
		outbox = fmt.Sprintf("%.0f events waiting in the outbox", b.Outbox)
	}
	o.Holds = b.Accepted == b.N && confirmed == b.N && b.OutboxOK && b.Outbox > 0
	o.Verdict = fmt.Sprintf("events: %d of %d accepted while Kafka was down (%d of %d read back PENDING, %s; %s); %d confirmed, the last %s after it came back%s",
		b.Accepted, b.N, b.PendingRead, b.Read, outbox, noticed, confirmed, seconds(catchUp), restart)
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
