package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// brokerDown stops Kafka, places orders while it is down, starts it again and
// follows the orders to the end.
func brokerDown(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := max(1, int(e.Size.Rate*e.Size.DownFor.Seconds()+0.5))
	e.say("  stopping the Kafka broker (%s)", e.Control.Runtime())
	wasRunning, err := e.Control.StopBroker(ctx)
	if err != nil {
		return Outcome{}, err
	}
	restarted := !wasRunning
	defer func() {
		if !restarted {
			cctx, cancel := cleanupCtx(ctx)
			defer cancel()
			_ = e.Control.StartBroker(cctx)
		}
	}()
	downAt := time.Now()
	e.say("  placing %d orders at %g/s while it is down", n, e.Size.Rate)
	res, err := e.batch(ctx, t, "broker-down", n, e.Size.Rate, nil)
	if err != nil {
		return Outcome{}, err
	}
	accepted := 0
	for _, p := range res.Orders {
		if p.Accepted() {
			accepted++
		}
	}
	// What the orders look like while the broker is away: one round of reads.
	down := res
	down.Orders = append([]load.Placed(nil), res.Orders...)
	if _, err := load.Follow(ctx, &down, t.Orders, load.FollowConfig{Timeout: time.Millisecond}); err != nil {
		return Outcome{}, err
	}
	whileDown := load.Summarize(down)
	if rest := e.Size.DownFor - time.Since(downAt); rest > 0 {
		select {
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		case <-time.After(rest):
		}
	}
	var upAt time.Time
	if wasRunning {
		e.say("  starting the broker again (it was down %s)", seconds(time.Since(downAt)))
		startAt := time.Now()
		if err := e.Control.StartBroker(ctx); err != nil {
			return Outcome{}, err
		}
		restarted = true
		upAt = time.Now()
		// A real Kafka takes seconds to start (and to stop): part of what an
		// outage costs, and not part of the catch-up measured from here.
		e.say("  the broker answers again; its start took %s", seconds(upAt.Sub(startAt)))
	}
	if _, err := e.follow(ctx, t, "broker-down", &res); err != nil {
		return Outcome{}, err
	}
	s := load.Summarize(res)
	o := outcomeOf(s, n)
	confirmed := s.ByStatus["CONFIRMED"]
	o.put(KeyAcceptedPct, "accepted while down", stats.Share(accepted, n), "%")
	o.put(KeyPendingWhileDown, "not final while down", float64(whileDown.Created-countFinal(down)), "orders")
	if !upAt.IsZero() {
		o.put(KeyBrokerDownMS, "broker unavailable (stop done to answering again)", float64(upAt.Sub(downAt).Milliseconds()), "ms")
	}
	if t.Mode == config.ModeSync {
		o.Holds = confirmed == n
		note := "it never uses it"
		if !wasRunning {
			note = "no broker ran at all"
		}
		o.Verdict = fmt.Sprintf("sync: %d of %d orders confirmed while Kafka was down — %s", confirmed, n, note)
		return o, nil
	}
	if !wasRunning {
		return o, fmt.Errorf("no broker was running to stop: bring the events stack up first")
	}
	catchUp := max(lastFinal(res).Sub(upAt), 0)
	o.put(KeyCatchUpMS, "all final after the broker returned", float64(catchUp.Milliseconds()), "ms")
	// The catch-up in two parts: until the first order moved, the clients
	// reconnected and the consumer groups re-formed; after that the backlog
	// was worked off.
	restart := ""
	if first := firstMove(res); !first.IsZero() {
		firstMoved := max(first.Sub(upAt), 0)
		o.put(KeyFirstMoveMS, "first order moved after the broker returned", float64(firstMoved.Milliseconds()), "ms")
		restart = fmt.Sprintf(" (%s until the first moved: clients reconnecting, consumer groups re-forming; %s working off the backlog)",
			seconds(firstMoved), seconds(max(catchUp-firstMoved, 0)))
	}
	o.Holds = accepted == n && confirmed == n
	o.Verdict = fmt.Sprintf("events: %d of %d accepted while Kafka was down (%d still PENDING, their events waiting in the outbox); %d confirmed, the last %s after it came back%s",
		accepted, n, whileDown.Created-countFinal(down), confirmed, seconds(catchUp), restart)
	return o, nil
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

// countFinal counts a batch's final orders.
func countFinal(r load.Result) int {
	n := 0
	for _, p := range r.Orders {
		if p.Order.Final {
			n++
		}
	}
	return n
}
