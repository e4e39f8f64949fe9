package scenario

import (
	"context"
	"fmt"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

// lateRejection makes ScarceSKU scarce (exactly half a unit per order on
// hand), places orders of one unit each and follows them to the end: who was
// told "accepted" and learned later that the order was rejected?
func lateRejection(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := e.Size.Orders
	if n < 2 {
		return Outcome{}, fmt.Errorf("late-rejection needs at least 2 orders (--orders %d) to have more demand than stock", n)
	}
	units := n / 2
	req := func(i int) api.PlaceRequest {
		return api.PlaceRequest{CustomerID: fmt.Sprintf("late-%03d", i), Items: []api.Line{{SKU: ScarceSKU, Qty: 1}}}
	}
	if err := e.stock(ctx, t, "late-rejection", stockup.Plan{Exactly: map[string]int{ScarceSKU: units}}); err != nil {
		return Outcome{}, err
	}
	e.say("  placing %d orders of 1 × %s at %g/s against %d on hand", n, ScarceSKU, e.Size.Rate, units)
	res, err := e.place(ctx, t, "late-rejection", n, e.Size.Rate, req)
	if err != nil {
		return Outcome{}, err
	}
	answered := answeredStatuses(res)
	if _, err := e.follow(ctx, t, "late-rejection", &res); err != nil {
		return Outcome{}, err
	}
	o := judgeLateRejection(t.Mode, res, answered, units)
	e.putFollow(&o)
	return o, nil
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
func judgeLateRejection(mode config.Mode, res load.Result, answered []string, units int) Outcome {
	s := load.Summarize(res)
	n := len(res.Orders)
	late, inAnswer, changed, delays := lateRejections(res, answered)
	rejected := s.ByStatus["REJECTED"]
	o := Outcome{ByStatus: s.ByStatus, Placement: s.PlacementSamples, TimeToFinal: s.TimeToFinalSamples}
	o.put(KeyScarceUnits, ScarceSKU+" on hand before the batch (set by a goods receipt or an adjustment)", float64(units), "units")
	o.put(KeyOrders, "orders attempted (1 unit each)", float64(n), "orders")
	o.put(KeyRejected, "orders REJECTED in the end", float64(rejected), "orders")
	o.put(KeyLateRejected, "told accepted (2xx), REJECTED later", float64(late), "orders")
	o.put(KeyRejectedInAnswer, "told REJECTED in the answer itself (409)", float64(inAnswer), "orders")
	o.put(KeyAnswerChanged, "final status differs from the answer's", float64(changed), "orders")
	d := stats.Summarize(delays)
	if d.N > 0 {
		o.put(KeyLateRejectionP50MS, "accepted → rejected p50 (placed_at to the rejection)", d.P50, "ms")
		o.put(KeyLateRejectionTailMS, "accepted → rejected "+stats.TailName(d), stats.Tail(d), "ms")
	}
	o.put(KeyLateRejectionN, "accepted → rejected samples", float64(d.N), "")
	if s.NotFinal > 0 {
		o.put(KeyNotFinal, "not final at the end", float64(s.NotFinal), "orders")
	}
	if mode == config.ModeSync {
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
	o.Verdict = fmt.Sprintf("events: %d of %d customers were told accepted (202) and learned later their order was REJECTED; %s; %d told REJECTED in the answer",
		late, n, delay, inAnswer)
	return o
}
