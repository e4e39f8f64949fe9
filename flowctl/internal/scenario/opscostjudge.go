package scenario

import (
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/usage"
)

// put records m on o: totals as metrics, each component as a detail line,
// and the mode's half of the verdict. Holds waits for judgeOpsCost, which
// needs both modes.
func (m opsMeasure) put(o *Outcome) {
	t := m.totals()
	o.put(KeyOpsComponents, "components to run (services, and the broker in events; Jaeger not counted)", float64(t.Components), "components")
	o.put(KeyOpsProcesses, "processes in them (Docker: each container's init included)", float64(t.Processes), "processes")
	o.put(KeyOpsMustBeHealthy, "things that had to be healthy for an order to complete (from the topology table)", float64(m.Path.Count()), "components")
	o.put(KeyOpsRSSMiB, "memory at the end (summed, MiB; RSS natively, as docker stats in Docker)", mib(t.RSSBytes), "MiB")
	o.put(KeyOpsCPUSeconds, "CPU during the load (summed)", roundTo(t.CPU, 2), "s")
	o.put(KeyOpsCPUMSPerOrder, "CPU per order placed", roundTo(m.cpuMSPerOrder(), 2), "ms")
	o.put(KeyOpsWindowMS, "load window (placing the first order to seeing the last final)", float64(m.Window.Milliseconds()), "ms")
	brokerText := ""
	if b, ok := m.broker(); ok && b.Measured {
		o.put(KeyOpsBrokerRSSMiB, "broker memory at the end (MiB; RSS natively, as docker stats in Docker)", mib(b.RSSBytes), "MiB")
		o.put(KeyOpsBrokerCPUSeconds, "broker CPU during the load", roundTo(b.CPUDelta, 2), "s")
		brokerText = fmt.Sprintf("; the broker (%s) %.1f MiB, %.2f s CPU", b.Impl, mib(b.RSSBytes), b.CPUDelta)
		if b.Log.Measured() && m.Orders > 0 {
			per := float64(b.LogGrowth) / float64(m.Orders) * 1000
			o.put(KeyOpsLogBytesPer1000, "broker log written per 1,000 orders (bytes, growth of its log dir)", roundTo(per, 0), "bytes")
			brokerText += fmt.Sprintf(", %d bytes written to its log dir (%.0f per 1,000 orders)", b.LogGrowth, per)
		} else {
			brokerText += ", its log's disk not measured"
		}
	}
	for _, c := range m.Components {
		if c.Kind == usage.KindTracing && c.Measured {
			o.put(KeyOpsTracingRSSMiB, "Jaeger memory at the end (MiB; shared tracing, in neither total)", mib(c.RSSBytes), "MiB")
			o.put(KeyOpsTracingCPUSeconds, "Jaeger CPU during the load (shared tracing, in neither total)", roundTo(c.CPUDelta, 2), "s")
		}
		o.Details = append(o.Details, c.line())
	}
	o.Details = append(o.Details, m.pathLine())
	unmeasured := ""
	if len(t.Unmeasured) > 0 {
		unmeasured = fmt.Sprintf(" (not measured: %s, so the totals leave it out)", strings.Join(t.Unmeasured, ", "))
	}
	o.Verdict = fmt.Sprintf("%s: %d components to run (%s), %d had to be healthy per order; %.1f MiB memory, %.2f s CPU for %d orders in %s (%.2f ms per order)%s%s",
		m.Mode, t.Components, processes(t.Processes), m.Path.Count(), mib(t.RSSBytes), t.CPU, m.Orders, seconds(m.Window), m.cpuMSPerOrder(), brokerText, unmeasured)
}

// line is one component's detail.
func (c opsComponent) line() string {
	what := string(c.Kind)
	if c.Kind == usage.KindTracing {
		what = "tracing, shared by both modes, in neither total"
	}
	if !c.Measured {
		return fmt.Sprintf("%s (%s; %s; %s): not measured", c.Name, what, c.Impl, c.Where)
	}
	s := fmt.Sprintf("%s (%s; %s; %s, %s): memory %.1f MiB at the end, CPU %.2f s during the load",
		c.Name, what, c.Impl, c.Where, processes(c.Processes), mib(c.RSSBytes), c.CPUDelta)
	if c.Log.Measured() {
		s += fmt.Sprintf("; log dir %s: %d bytes written during the load, %d bytes written and %d on disk (allocated blocks) at the end",
			c.Log.Path, c.LogGrowth, c.Log.Written, c.Log.Allocated)
	}
	return s
}

// pathLine says what an order's path needed and where that comes from.
func (m opsMeasure) pathLine() string {
	if !m.Path.Broker {
		return fmt.Sprintf("an order's path (topology table; sync calls the services whose events order-svc would consume): %s", strings.Join(m.Path.Services, " → "))
	}
	return fmt.Sprintf("an order's path (topology table): %s, through the broker's topics %s",
		strings.Join(m.Path.Services, ", "), strings.Join(m.Path.Topics, ", "))
}

// judgeOpsCost checks the claim once both modes ran: "a broker is one more
// system to run" holds when events needed more components than sync and
// more resources as well (memory at the end, or CPU per order). Both modes'
// outcomes carry the result: the claim is about the pair.
func judgeOpsCost(r *Run) {
	sync, events := r.modes()
	if sync == nil || events == nil {
		for i := range r.Outcomes {
			r.Outcomes[i].Holds = false
			r.Outcomes[i].Verdict += "; the claim compares the modes: run with --mode both"
		}
		return
	}
	sc, ec := sync.Value(KeyOpsComponents), events.Value(KeyOpsComponents)
	sr, er := sync.Value(KeyOpsRSSMiB), events.Value(KeyOpsRSSMiB)
	sp, ep := sync.Value(KeyOpsCPUMSPerOrder), events.Value(KeyOpsCPUMSPerOrder)
	moreComponents, moreRSS, moreCPU := ec > sc, er > sr, ep > sp
	holds := moreComponents && (moreRSS || moreCPU)
	cmp := fmt.Sprintf("events vs sync: %g vs %g components, %g vs %g had to be healthy, %.1f vs %.1f MiB memory, %.2f vs %.2f ms CPU per order",
		ec, sc, events.Value(KeyOpsMustBeHealthy), sync.Value(KeyOpsMustBeHealthy), er, sr, ep, sp)
	var why string
	switch {
	case holds:
		why = "the broker is one more thing to run, and it cost more (" + more(moreRSS, moreCPU) + ")"
	case !moreComponents:
		why = "the claim did not show in this run: events ran no more components than sync"
	default:
		why = "the claim did not show in this run: events ran more components but used no more memory and no more CPU per order"
	}
	sync.Holds, events.Holds = holds, holds
	events.Verdict += "; " + cmp + ": " + why
}

// more names what events used more of.
func more(rss, cpu bool) string {
	switch {
	case rss && cpu:
		return "memory and CPU per order"
	case rss:
		return "memory; CPU per order no more"
	default:
		return "CPU per order; memory no more"
	}
}

func processes(n int) string {
	if n == 1 {
		return "1 process"
	}
	return fmt.Sprintf("%d processes", n)
}
