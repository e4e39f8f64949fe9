// Package laterejection is the late-rejection scenario: with scarce stock,
// how many customers told "accepted" learn later their order was rejected.
package laterejection

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

// Def is late-rejection.
var Def = kit.Define(kit.Spec[rejections]{
	About: kit.About{
		Name:    "late-rejection",
		Summary: "SKU-005 scarce (half a unit per order on hand), orders of one unit each: how many customers were told accepted and learned later their order was rejected, and how much later; sync: rejected in the answer",
		Claim:   "eventual consistency has a cost to the customer: with scarce stock, events tell some customers 'accepted' and 'rejected' later, sync tells them at once",
		Metrics: []kit.MetricDef{ScarceUnits, kit.Orders, Rejected, LateRejected, RejectedInAnswer, AnswerChanged,
			LateRejectionP50, LateRejectionTail, LateRejectionN, kit.NotFinal, kit.FollowInterval},
		Headline: []kit.MetricKey{LateRejected.Key, RejectedInAnswer.Key, LateRejectionP50.Key},
		Answers: []kit.Answer{{Question: kit.Consistency, Place: 3,
			Keys: []kit.MetricKey{LateRejected.Key, RejectedInAnswer.Key, LateRejectionP50.Key}, Says: saysLate}},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, r rejections) kit.Outcome {
		o := judgeLateRejection(mode, r.Res, r.Answered, r.Units)
		r.Followed.Put(&o)
		return o
	},
})

// The metrics of late-rejection: what the customer was told against what
// became of the order, with scarce stock.
var (
	ScarceUnits = kit.MetricDef{Key: "scarce_units", Label: kit.ScarceSKU + " on hand before the batch (set by a goods receipt or an adjustment)", Short: "on hand", Unit: kit.UnitUnits}
	Rejected    = kit.MetricDef{Key: "rejected", Label: "orders REJECTED in the end", Short: "rejected", Unit: kit.UnitOrders}
	// LateRejected counts orders answered 2xx (accepted) that ended REJECTED.
	LateRejected = kit.MetricDef{Key: "told_accepted_then_rejected", Label: "told accepted (2xx), REJECTED later", Short: "accepted, then rejected", Unit: kit.UnitOrders}
	// RejectedInAnswer counts orders told REJECTED in the answer itself.
	RejectedInAnswer = kit.MetricDef{Key: "rejected_in_answer", Label: "told REJECTED in the answer itself (409)", Short: "rejected in the answer", Unit: kit.UnitOrders}
	// AnswerChanged counts orders whose final status differs from the
	// status of their answer.
	AnswerChanged     = kit.MetricDef{Key: "answer_changed", Label: "final status differs from the answer's", Short: "answer changed", Unit: kit.UnitOrders}
	LateRejectionP50  = kit.MetricDef{Key: "late_rejection_p50_ms", Label: "accepted → rejected p50 (placed_at to the rejection)", Short: "rejection came p50", Unit: kit.UnitMS, N: LateRejectionN.Key}
	LateRejectionTail = kit.MetricDef{Key: "late_rejection_tail_ms", Label: "accepted → rejected p99 (the max below 100 samples)", Short: "rejection came", Unit: kit.UnitMS, N: LateRejectionN.Key, Tail: true}
	LateRejectionN    = kit.MetricDef{Key: "late_rejection_n", Label: "accepted → rejected samples", Short: "rejections n", Unit: kit.UnitSamples}
)

// rejections is what one mode's run measured: the batch against scarce
// stock, followed to the end, and what each order's answer said.
type rejections struct {
	Res      load.Result
	Answered []string
	Units    int
	Followed kit.Followed
}

// run makes kit.ScarceSKU scarce (exactly half a unit per order on hand),
// places orders of one unit each and follows them to the end: who was told
// "accepted" and learned later that the order was rejected?
func run(ctx context.Context, e *kit.Env, t kit.Target) (rejections, error) {
	n := e.Size.Orders
	if n < 2 {
		return rejections{}, fmt.Errorf("late-rejection needs at least 2 orders (--orders %d) to have more demand than stock", n)
	}
	units := n / 2
	req := func(i int) api.PlaceRequest {
		return api.PlaceRequest{CustomerID: fmt.Sprintf("late-%03d", i), Items: []api.Line{{SKU: kit.ScarceSKU, Qty: 1}}}
	}
	if err := e.Stock(ctx, t, "late-rejection", stockup.Plan{Exactly: map[string]int{kit.ScarceSKU: units}}); err != nil {
		return rejections{}, err
	}
	e.Step("  placing %d orders of 1 × %s at %g/s against %d on hand", n, kit.ScarceSKU, e.Size.Rate, units)
	res, err := e.Place(ctx, t, "late-rejection", n, e.Size.Rate, req)
	if err != nil {
		return rejections{}, err
	}
	answered := answeredStatuses(res)
	f, err := e.Follow(ctx, t, "late-rejection", &res)
	if err != nil {
		return rejections{}, err
	}
	return rejections{Res: res, Answered: answered, Units: units, Followed: f}, nil
}

// answeredStatuses are the orders' statuses as their answers gave them,
// before Follow replaces the orders with what it reads later.
func answeredStatuses(res load.Result) []string {
	out := make([]string, len(res.Orders))
	for i, p := range res.Orders {
		out[i] = p.Status()
	}
	return out
}

// lateRejections are, of a followed batch, the orders answered 2xx that
// ended REJECTED, the orders told REJECTED in their answer, the orders whose
// final status is not their answer's, and for each late rejection how long
// after its placement it came (the services' timestamps: placed_at to the
// rejected step).
func lateRejections(res load.Result, answered []string) (late, inAnswer, changed int, delays []float64) {
	for i, p := range res.Orders {
		if !p.HasID() {
			continue
		}
		final := p.Status()
		if p.Order.Final && final != answered[i] {
			changed++
		}
		if final != "REJECTED" {
			continue
		}
		switch {
		case answered[i] == "REJECTED":
			inAnswer++
		case p.Accepted():
			late++
			if d, ok := rejectedAfter(p.Order); ok {
				delays = append(delays, d)
			}
		}
	}
	return late, inAnswer, changed, delays
}

// rejectedAfter is how long after its placement the order was rejected, by
// its timeline (or its time to final, which is the same step).
func rejectedAfter(o api.Order) (float64, bool) {
	for _, s := range o.Timeline {
		if s.Step == "rejected" {
			return s.AfterMS, true
		}
	}
	if o.TimeToFinalMS != nil {
		return *o.TimeToFinalMS, true
	}
	return 0, false
}

// judgeLateRejection: events holds when some customers were told accepted
// and learned later that the order was rejected; sync when there were
// rejections and every one was in the first answer.
func judgeLateRejection(mode stackmode.Mode, res load.Result, answered []string, units int) kit.Outcome {
	s := load.Summarize(res)
	n := len(res.Orders)
	late, inAnswer, changed, delays := lateRejections(res, answered)
	rejected := s.ByStatus["REJECTED"]
	o := kit.Outcome{ByStatus: s.ByStatus, Placement: s.PlacementSamples, TimeToFinal: s.TimeToFinalSamples}
	o.Put(ScarceUnits, float64(units))
	o.PutAs(kit.Orders, "orders attempted (1 unit each)", float64(n))
	o.Put(Rejected, float64(rejected))
	o.Put(LateRejected, float64(late))
	o.Put(RejectedInAnswer, float64(inAnswer))
	o.Put(AnswerChanged, float64(changed))
	d := stats.Summarize(delays)
	if d.N > 0 {
		o.Put(LateRejectionP50, d.P50)
		o.PutAs(LateRejectionTail, "accepted → rejected "+stats.TailName(d), stats.Tail(d))
	}
	o.Put(LateRejectionN, float64(d.N))
	if s.NotFinal > 0 {
		o.Put(kit.NotFinal, float64(s.NotFinal))
	}
	if mode == stackmode.Sync {
		o.Holds = rejected > 0 && late == 0 && inAnswer == rejected
		o.Verdict = fmt.Sprintf("sync: %d of %d orders rejected (%d units for %d orders); %d told so in the answer, %d told accepted first; %d answers differ from the final status",
			rejected, n, units, n, inAnswer, late, changed)
		return o
	}
	o.Holds = late > 0
	delay := "no delay measured"
	if d.N > 0 {
		delay = fmt.Sprintf("the rejection came %s / %s after placement", stats.Pct50Label(d), stats.Pct99Label(d))
	}
	o.Verdict = fmt.Sprintf("%s: %d of %d customers were told accepted (202) and learned later their order was REJECTED (%s); %s; %d told REJECTED in the answer",
		mode, late, n, rejectionPath(mode), delay, inAnswer)
	return o
}
