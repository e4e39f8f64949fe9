package addastep

import (
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// p95MinN is the fewest samples a p95 is taken over; below it the max is
// recorded (a p95 of 10 samples is their max anyway).
const p95MinN = 20

// put records the run's numbers on o.
func put(o *kit.Outcome, m measured) {
	b, a := m.Before.Summary, m.After.Summary
	o.Put(Orders, float64(b.Orders))
	o.Put(ConfirmedBefore, float64(b.ByStatus["CONFIRMED"]))
	o.Put(ConfirmedAfter, float64(a.ByStatus["CONFIRMED"]))
	o.Put(TTCBefore, b.TimeToFinal.P50)
	o.Put(TTCAfter, a.TimeToFinal.P50)
	o.Put(PlacedBefore, b.Placement.P50)
	o.Put(PlacedAfter, a.Placement.P50)
	o.Put(PlacedTailBefore, p95(b.PlacementSamples))
	o.Put(PlacedTailAfter, p95(a.PlacementSamples))
	o.Put(AddedLatency, addedP50(m))
	if v := m.Before.PerOrder(); v >= 0 {
		o.Put(MsgsBefore, v)
	}
	if v := m.After.PerOrder(); v >= 0 {
		o.Put(MsgsAfter, v)
	}
	putTrace(o, m.Before.Trace, SpansBefore, TracesBefore, ServicesBefore)
	putTrace(o, m.After.Trace, SpansAfter, TracesAfter, ServicesAfter)
	c := m.Change
	o.Put(Started, float64(len(c.Started)))
	o.Put(Restarted, float64(len(c.Restarted)))
	o.Put(Designed, float64(len(c.Design.Started)+len(c.Design.Restarted)))
	o.Put(TopicsAdded, float64(len(c.Topics)))
	o.Put(GroupsAdded, float64(len(c.Groups)))
	o.Put(ChangeTook, stats.Millis(c.Took))
	o.Put(DownFailed, m.Down.FailedPct())
	o.Put(DownAccepted, float64(m.Down.Accepted))
	o.Put(DownWaiting, float64(m.Down.Waiting))
	o.Put(DownCompleted, float64(m.Down.Completed))
	o.Put(kit.NotFinal, float64(a.NotFinal))
	o.Placement, o.TimeToFinal = a.PlacementSamples, a.TimeToFinalSamples
}

func putTrace(o *kit.Outcome, t trace, spans, traces, services kit.MetricDef) {
	if t.Err != "" {
		return
	}
	o.Put(spans, float64(t.Spans))
	o.Put(traces, float64(t.Traces))
	o.Put(services, float64(len(t.Services)))
}

// p95 is the samples' 95th percentile, their max below p95MinN.
func p95(samples []float64) float64 {
	if len(samples) < p95MinN {
		return stats.Summarize(samples).Max
	}
	return stats.Percentile(samples, 95)
}
