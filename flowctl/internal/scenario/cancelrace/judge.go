package cancelrace

import (
	"fmt"
	"slices"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// counted is what the judge counts of a run.
type counted struct {
	sent, won, tooLate, errs, released, voided, awaited int
	// wonNotCancelled are cancels that won on orders not CANCELLED in the
	// end; lateButCancelled 409s on orders CANCELLED in the end.
	wonNotCancelled, lateButCancelled int
}

// count pairs each order's cancel with where the order ended and the
// compensations its timeline shows.
func count(m raced) counted {
	var c counted
	for i, p := range m.Res.Orders {
		if i >= len(m.Cancels) || !m.Cancels[i].Sent {
			continue
		}
		k := m.Cancels[i]
		c.sent++
		final := p.Order.Status
		switch {
		case k.HTTPStatus == 202 || k.HTTPStatus == 200:
			c.won++
			if final != oapi.OrderStatusCANCELLED {
				c.wonNotCancelled++
			}
		case k.HTTPStatus == 409:
			c.tooLate++
			if final == oapi.OrderStatusCANCELLED {
				c.lateButCancelled++
			}
		default:
			c.errs++
		}
		if final != oapi.OrderStatusCANCELLED {
			continue
		}
		if has(p.Order, oapi.Released) {
			c.released++
		}
		if has(p.Order, oapi.Voided) {
			c.voided++
		}
		if len(api.AwaitedCompensations(p.Order)) > 0 {
			c.awaited++
		}
	}
	return c
}

func has(o api.Order, step oapi.TimelineStepStep) bool {
	return slices.ContainsFunc(o.Timeline, func(s api.Step) bool { return s.Step == step })
}

// judge: events holds when some cancels won, every cancel was answered
// 202/200 or 409 as the order's end says, and no cancelled order awaits a
// compensation; sync when every cancel was too late (409) — the lesson: in
// sync the id comes with the final answer.
func judge(mode stackmode.Mode, m raced) kit.Outcome {
	s := load.Summarize(m.Res)
	c := count(m)
	o := kit.Outcome{ByStatus: s.ByStatus, Placement: s.PlacementSamples, TimeToFinal: s.TimeToFinalSamples}
	o.Put(kit.Orders, float64(len(m.Res.Orders)))
	o.Put(Window, ms(m.Window))
	o.Put(Sent, float64(c.sent))
	o.Put(Won, float64(c.won))
	o.Put(TooLate, float64(c.tooLate))
	o.Put(CancelErrors, float64(c.errs))
	o.PutAs(WonPct, fmt.Sprintf("share of cancels that won (n=%d)", c.sent), stats.Share(c.won, c.sent))
	o.Put(Released, float64(c.released))
	o.Put(Voided, float64(c.voided))
	o.Put(Awaited, float64(c.awaited))
	if s.NotFinal > 0 {
		o.Put(kit.NotFinal, float64(s.NotFinal))
	}
	o.Details = append(o.Details, fmt.Sprintf("cancels drawn 0–%s after each answer with seed %d", stats.Ms(ms(m.Window)), m.Seed))
	consistent := c.errs == 0 && c.wonNotCancelled == 0 && c.lateButCancelled == 0
	comp := fmt.Sprintf("compensations: %d released, %d voided, %d awaited", c.released, c.voided, c.awaited)
	if mode == stackmode.Sync {
		o.Holds = c.sent > 0 && c.tooLate == c.sent && c.won == 0 && consistent
		o.Verdict = fmt.Sprintf("sync: %d of %d cancels too late (409), %d won: the id comes with the final answer, so every cancel comes after the order ended; %s (seed %d)",
			c.tooLate, c.sent, c.won, comp, m.Seed)
		return o
	}
	o.Holds = c.won > 0 && consistent && c.awaited == 0
	o.Verdict = fmt.Sprintf("%s: %d of %d cancels won (CANCELLED), %d too late (409), each sent 0–%s after its answer (the baseline's time to consistency p50); %s, %s (seed %d)",
		mode, c.won, c.sent, c.tooLate, stats.Ms(ms(m.Window)), comp, compensatedBy(mode), m.Seed)
	if c.errs > 0 || c.wonNotCancelled > 0 || c.lateButCancelled > 0 {
		o.Verdict += fmt.Sprintf("; %d cancel errors, %d won but not CANCELLED, %d 409 but CANCELLED", c.errs, c.wonNotCancelled, c.lateButCancelled)
	}
	return o
}
