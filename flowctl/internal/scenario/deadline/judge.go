package deadline

import (
	"fmt"
	"strings"
	"time"

	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// counted is what the judge counts of a run.
type counted struct {
	accepted, confirmed, cancelled, lateReserved, lateReleased, stillHeld, timedOut int
	held                                                                            []float64
}

// count goes through the orders: which ended CANCELLED by the deadline,
// which of their reservations came after the cancellation (inventory-svc's
// created_at after order-svc's cancelled step), how long each held stock,
// and which failed by a request's timeout.
func count(m measured) counted {
	var c counted
	for _, p := range m.Res.Orders {
		if p.Accepted() {
			c.accepted++
		}
		o := p.Order
		switch {
		case o.Status == oapi.OrderStatusCONFIRMED:
			c.confirmed++
			continue
		case o.Status == oapi.OrderStatusFAILED && timedOut(o.Reason):
			c.timedOut++
		case o.Status == oapi.OrderStatusCANCELLED && o.Reason == "deadline":
			c.cancelled++
		}
		cancelledAt, cancelled := stepAt(o, oapi.Cancelled)
		for _, r := range m.Rows[o.ID] {
			if kit.Holding(r) {
				c.stillHeld++
			}
			if cancelled && r.CreatedAt.After(cancelledAt) && r.Status != oapi.ReservationStatusREJECTED {
				c.lateReserved++
				if r.Status == oapi.ReservationStatusRELEASED {
					c.lateReleased++
				}
			}
			if d, ok := kit.HeldFor(r); ok && o.Status == oapi.OrderStatusCANCELLED {
				c.held = append(c.held, float64(d.Microseconds())/1000)
			}
		}
	}
	return c
}

// timedOut says whether a FAILED order's reason is a call's timeout (Go's
// http.Client says "Client.Timeout exceeded", a context "deadline exceeded").
func timedOut(reason string) bool {
	r := strings.ToLower(reason)
	return strings.Contains(r, "timeout") || strings.Contains(r, "deadline exceeded")
}

// stepAt is when the order's timeline step happened first.
func stepAt(o oapi.Order, step oapi.TimelineStepStep) (time.Time, bool) {
	for _, s := range o.Timeline {
		if s.Step == step {
			return s.At, true
		}
	}
	return time.Time{}, false
}

// judge: events holds when every order was accepted and CANCELLED by the
// deadline, inventory-svc reserved for some of them after the cancellation
// and released every one, and nothing holds stock any more; sync when every
// request failed by the timeout and nothing was left held.
func judge(mode stackmode.Mode, m measured) kit.Outcome {
	s := load.Summarize(m.Res)
	c := count(m)
	n := len(m.Res.Orders)
	o := kit.Outcome{ByStatus: s.ByStatus, Placement: s.PlacementSamples, TimeToFinal: s.TimeToFinalSamples}
	o.Put(kit.Orders, float64(n))
	o.PutAs(Deadline, deadlineLabel(mode), stats.Millis(m.Deadline))
	o.Put(StillHeld, float64(c.stillHeld))
	if s.NotFinal > 0 {
		o.Put(kit.NotFinal, float64(s.NotFinal))
	}
	if mode == stackmode.Sync {
		o.Put(AddedLatency, stats.Millis(m.Latency))
		o.PutAs(TimedOut, fmt.Sprintf("requests failed by HTTP_CLIENT_TIMEOUT=%s (of %d)", m.Deadline, n), float64(c.timedOut))
		o.Put(kit.PlacementP50, s.Placement.P50)
		o.PutAs(kit.PlacementP99, fmt.Sprintf("placement %s (n=%d)", stats.TailName(s.Placement), s.Placement.N), stats.Tail(s.Placement))
		o.Put(kit.PlacementN, float64(s.Placement.N))
		o.Holds = n > 0 && c.timedOut == n && c.confirmed == 0 && c.stillHeld == 0
		o.Verdict = fmt.Sprintf("sync: the deadline is the request's timeout (HTTP_CLIENT_TIMEOUT=%s); with inventory-svc %s slower, %d of %d requests failed by it, answered after %s; %d %s left holding stock",
			m.Deadline, stats.Duration(m.Latency), c.timedOut, n, stats.Pct50Label(s.Placement), c.stillHeld, kit.Plural(c.stillHeld, "reservation"))
		return o
	}
	held := stats.Summarize(c.held)
	o.Put(PausedFor, stats.Millis(m.PausedFor))
	o.Put(CancelledByDeadline, float64(c.cancelled))
	o.Put(ReservedAfterCancel, float64(c.lateReserved))
	o.Put(ReleasedAfterCancel, float64(c.lateReleased))
	if held.N > 0 {
		o.PutAs(HeldP50, fmt.Sprintf("stock held for a cancelled order p50 (n=%d)", held.N), held.P50)
		o.PutAs(HeldTail, fmt.Sprintf("stock held for a cancelled order %s (n=%d)", stats.TailName(held), held.N), stats.Tail(held))
		o.PutAs(HeldMax, fmt.Sprintf("stock held for a cancelled order max (n=%d)", held.N), held.Max)
	}
	o.Put(HeldN, float64(held.N))
	o.Holds = n > 0 && c.accepted == n && c.cancelled == n && c.lateReserved > 0 && c.lateReleased == c.lateReserved && c.stillHeld == 0
	o.Verdict = fmt.Sprintf("%s: ORDER_DEADLINE=%s, inventory-svc's consumers paused %s; %d of %d accepted orders CANCELLED by the deadline; %d reservations made after the cancellation, %d released (%s); stock held for a cancelled order %s / %s; %d left holding stock",
		mode, m.Deadline, stats.Duration(m.PausedFor), c.cancelled, c.accepted, c.lateReserved, c.lateReleased, lateReleaseBy(mode), stats.Pct50Label(held), stats.Pct99Label(held), c.stillHeld)
	return o
}

func deadlineLabel(mode stackmode.Mode) string {
	if mode == stackmode.Sync {
		return "the deadline: HTTP_CLIENT_TIMEOUT, each request's own timeout"
	}
	return "the deadline: ORDER_DEADLINE, set for the run"
}
