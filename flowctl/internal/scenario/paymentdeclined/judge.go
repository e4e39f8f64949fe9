package paymentdeclined

import (
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// counted is what the judge counts of a run.
type counted struct {
	doomed, inAnswer, acceptedDoomed, acceptedThenFailed, confirmedDoomed int
	paying, payingConfirmed, rejectedWhileHeld, stillHeld                 int
	held, failedAfter                                                     []float64
}

// hold is one doomed reservation's time holding stock; to is zero while it
// still holds.
type hold struct{ from, to time.Time }

func (h hold) covers(t time.Time) bool {
	return !t.Before(h.from) && (h.to.IsZero() || t.Before(h.to))
}

// count goes through the orders: the doomed ones' answers, ends and holds
// first, then each paying order REJECTED at a moment a doomed one held
// stock.
func count(m declined) counted {
	var c counted
	var holds []hold
	for i, p := range m.Res.Orders {
		if !m.Doomed[i] {
			continue
		}
		c.doomed++
		if !p.HasID() {
			continue
		}
		final := p.Status()
		switch {
		case p.Accepted():
			c.acceptedDoomed++
			if final == string(oapi.OrderStatusFAILED) {
				c.acceptedThenFailed++
			}
		case m.Answered[i] == string(oapi.OrderStatusFAILED) && p.HTTPStatus == 402:
			c.inAnswer++
		}
		if final == string(oapi.OrderStatusCONFIRMED) {
			c.confirmedDoomed++
		}
		if final == string(oapi.OrderStatusFAILED) && p.Order.TimeToFinalMS != nil {
			c.failedAfter = append(c.failedAfter, *p.Order.TimeToFinalMS)
		}
		for _, r := range m.Rows[p.Order.ID] {
			if kit.Holding(r) {
				c.stillHeld++
				holds = append(holds, hold{from: r.CreatedAt})
			}
			if d, ok := kit.HeldFor(r); ok {
				c.held = append(c.held, float64(d.Microseconds())/1000)
				holds = append(holds, hold{from: r.CreatedAt, to: r.ReleasedAt})
			}
		}
	}
	for i, p := range m.Res.Orders {
		if m.Doomed[i] {
			continue
		}
		c.paying++
		switch p.Status() {
		case string(oapi.OrderStatusCONFIRMED):
			c.payingConfirmed++
		case string(oapi.OrderStatusREJECTED):
			if at, ok := rejectedAt(p, m.Rows[p.Order.ID]); ok && heldAt(holds, at) {
				c.rejectedWhileHeld++
			}
		}
	}
	return c
}

// rejectedAt is when inventory-svc refused the order's stock: its REJECTED
// row's created_at (events), else the order's rejected step (sync records
// no row for a refusal; order-svc stamps the step as the answer arrives).
func rejectedAt(p load.Placed, rows []api.Reservation) (time.Time, bool) {
	for _, r := range rows {
		if r.Status == oapi.ReservationStatusREJECTED {
			return r.CreatedAt, true
		}
	}
	for _, s := range p.Order.Timeline {
		if s.Step == oapi.Rejected {
			return s.At, true
		}
	}
	return time.Time{}, false
}

func heldAt(holds []hold, at time.Time) bool {
	for _, h := range holds {
		if h.covers(at) {
			return true
		}
	}
	return false
}

// judge: sync holds when every doomed order that got as far as the payment
// was told FAILED (402) in its answer, none accepted and none left holding
// stock; events when doomed orders were accepted and FAILED later, none
// confirmed, and each hold of theirs was measured and ended.
func judge(mode stackmode.Mode, m declined) kit.Outcome {
	s := load.Summarize(m.Res)
	c := count(m)
	o := kit.Outcome{ByStatus: s.ByStatus, Placement: s.PlacementSamples, TimeToFinal: s.TimeToFinalSamples}
	o.Put(ScarceUnits, float64(m.Units))
	o.PutAs(kit.Orders, "orders attempted (1 unit each)", float64(len(m.Res.Orders)))
	o.Put(Doomed, float64(c.doomed))
	o.Put(DeclinedInAnswer, float64(c.inAnswer))
	o.Put(AcceptedThenFailed, float64(c.acceptedThenFailed))
	o.PutAs(PayingConfirmed, fmt.Sprintf("orders of paying customers CONFIRMED (of %d, %d units on hand)", c.paying, m.Units), float64(c.payingConfirmed))
	held, failed := stats.Summarize(c.held), stats.Summarize(c.failedAfter)
	if held.N > 0 {
		o.PutAs(HeldP50, fmt.Sprintf("stock held for a doomed order p50 (n=%d)", held.N), held.P50)
		o.PutAs(HeldTail, fmt.Sprintf("stock held for a doomed order %s (n=%d)", stats.TailName(held), held.N), stats.Tail(held))
	}
	o.Put(HeldN, float64(held.N))
	if failed.N > 0 {
		o.PutAs(FailedP50, fmt.Sprintf("placed → FAILED p50 (n=%d)", failed.N), failed.P50)
		o.PutAs(FailedTail, fmt.Sprintf("placed → FAILED %s (n=%d)", stats.TailName(failed), failed.N), stats.Tail(failed))
	}
	o.Put(FailedN, float64(failed.N))
	o.Put(RejectedWhileHeld, float64(c.rejectedWhileHeld))
	o.Put(StillHeld, float64(c.stillHeld))
	if s.NotFinal > 0 {
		o.Put(kit.NotFinal, float64(s.NotFinal))
	}
	heldText := fmt.Sprintf("stock held for them %s / %s", stats.Pct50Label(held), stats.Pct99Label(held))
	rejText := fmt.Sprintf("%d paying %s REJECTED while a doomed order held the stock", c.rejectedWhileHeld, kit.Plural(c.rejectedWhileHeld, "order"))
	if c.stillHeld > 0 {
		rejText += fmt.Sprintf("; %d doomed %s still held at the end", c.stillHeld, kit.Plural(c.stillHeld, "reservation"))
	}
	if mode == stackmode.Sync {
		o.Holds = c.inAnswer > 0 && c.acceptedDoomed == 0 && c.confirmedDoomed == 0 && c.stillHeld == 0
		o.Verdict = fmt.Sprintf("sync: %d of %d doomed orders told FAILED (402) in the answer, %d told accepted first; %s; %s; %d of %d paying confirmed",
			c.inAnswer, c.doomed, c.acceptedDoomed, heldText, rejText, c.payingConfirmed, c.paying)
		return o
	}
	o.Holds = c.acceptedThenFailed > 0 && c.confirmedDoomed == 0 && c.stillHeld == 0 && held.N > 0 && c.inAnswer == 0
	o.Verdict = fmt.Sprintf("%s: %d of %d doomed orders told accepted (202), FAILED %s / %s after placement (%s); %s; %s; %d of %d paying confirmed",
		mode, c.acceptedThenFailed, c.doomed, stats.Pct50Label(failed), stats.Pct99Label(failed), releasedBy(mode), heldText, rejText, c.payingConfirmed, c.paying)
	return o
}
