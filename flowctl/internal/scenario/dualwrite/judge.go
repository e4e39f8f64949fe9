package dualwrite

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// dwRound is one batch of dual-write with one crash: what the clients heard
// and what order-svc holds after its restart.
type dwRound struct {
	// Name is RoundOutbox, RoundDirect or RoundSync.
	Name     string
	Attempts int
	// Crashed: order-svc did not answer once the batch was placed.
	Crashed bool
	// Answers are the POSTs' answers, as given (not followed).
	Answers load.Result
	// Committed are the round's orders order-svc listed after the restart,
	// as last read.
	Committed []api.Order
	// Stuck are the committed orders lost (followRound): never announced
	// (events), or left not final (sync).
	Stuck map[string]bool
}

// dwCounts are a round's numbers.
type dwCounts struct {
	noAnswer, committed, notFinal, stuck, stuckTold2xx int
}

func (r dwRound) counts() dwCounts {
	var c dwCounts
	told := map[string]bool{}
	for _, p := range r.Answers.Orders {
		if p.HTTPStatus == 0 {
			c.noAnswer++
		}
		if p.Accepted() && p.HasID() {
			told[p.Order.ID] = true
		}
	}
	c.committed = len(r.Committed)
	for _, o := range r.Committed {
		if !o.Final {
			c.notFinal++
		}
		if r.Stuck[o.ID] {
			c.stuck++
			if told[o.ID] {
				c.stuckTold2xx++
			}
		}
	}
	return c
}

// put records a round's metrics.
func (r dwRound) put(o *kit.Outcome, c dwCounts) {
	crashed := 0.0
	if r.Crashed {
		crashed = 1
	}
	o.Put(Attempts.Def(r.Name), float64(r.Attempts))
	o.Put(Crashed.Def(r.Name), crashed)
	o.Put(NoAnswer.Def(r.Name), float64(c.noAnswer))
	o.Put(Committed.Def(r.Name), float64(c.committed))
	o.Put(NotFinal.Def(r.Name), float64(c.notFinal))
	o.Put(Stuck.Def(r.Name), float64(c.stuck))
	o.Put(StuckTold2xx.Def(r.Name), float64(c.stuckTold2xx))
}

// directNotApplicable is what the orchestrated stack's outcome says of the
// direct round it does not run.
const directNotApplicable = "the dual-write round is not applicable here: ORDER_PUBLISH=direct is refused with SAGA=orchestration, " +
	"because the orchestrator writes its commands and saga state through the outbox in the order's own commit, so no publish follows the commit to be lost"

// judgeDualWrite: the orchestrated stack holds when its outbox round crashed
// and lost no committed order (the direct round does not apply to it);
// events holds when both rounds crashed, the direct publish
// lost orders (never announced: PENDING until the deadline cancels them) and the outbox left every committed order
// final; sync holds when the crash left orders not final and none of their
// clients had been answered 2xx (each learned something went wrong).
func judgeDualWrite(mode stackmode.Mode, rounds []dwRound) kit.Outcome {
	var o kit.Outcome
	by := map[string]dwCounts{}
	crashed := map[string]bool{}
	for _, r := range rounds {
		c := r.counts()
		by[r.Name], crashed[r.Name] = c, r.Crashed
		r.put(&o, c)
	}
	if mode == stackmode.Sync {
		s := by[RoundSync]
		o.Holds = crashed[RoundSync] && s.stuck > 0 && s.stuckTold2xx == 0
		o.Verdict = fmt.Sprintf("sync: a crash between the commit and the call to inventory-svc left %d of %d committed orders not final (crashed: %v); %d of their clients had been told 2xx, %d requests got no answer",
			s.stuck, s.committed, crashed[RoundSync], s.stuckTold2xx, s.noAnswer)
		return o
	}
	out, dir := by[RoundOutbox], by[RoundDirect]
	if !directApplies(mode) {
		o.Holds = crashed[RoundOutbox] && out.committed > 0 && out.stuck == 0 && out.notFinal == 0
		o.Verdict = fmt.Sprintf("%s: a crash right after the commit left %d of %d committed orders never announced with the outbox (%d not final; crashed: %v); %s",
			mode, out.stuck, out.committed, out.notFinal, crashed[RoundOutbox], directNotApplicable)
		return o
	}
	o.Holds = crashed[RoundOutbox] && crashed[RoundDirect] && dir.stuck > 0 && out.committed > 0 && out.notFinal == 0
	o.Verdict = fmt.Sprintf("%s: a crash between the commit and the publish left %d of %d committed orders never announced with ORDER_PUBLISH=direct (PENDING until order-svc's deadline cancels them; crashed: %v), %d of %d with the outbox (%d not final; crashed: %v)",
		mode, dir.stuck, dir.committed, crashed[RoundDirect], out.stuck, out.committed, out.notFinal, crashed[RoundOutbox])
	return o
}
