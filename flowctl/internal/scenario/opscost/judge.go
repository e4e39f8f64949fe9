package opscost

import (
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/usage"
)

// put records m on o: totals as metrics, each component as a detail line,
// and the mode's half of the verdict. Holds waits for judgeOpsCost, which
// needs sync and a brokered mode.
func (m opsMeasure) put(o *kit.Outcome) {
	t := m.totals()
	o.Put(Components, float64(t.Components))
	o.Put(Processes, float64(t.Processes))
	o.Put(MustBeHealthy, float64(m.Path.Count()))
	o.Put(RSS, mib(t.RSSBytes))
	o.Put(CPU, roundTo(t.CPU, 2))
	o.Put(CPUPerOrder, roundTo(m.cpuMSPerOrder(), 2))
	o.Put(Window, stats.Millis(m.Window))
	brokerText := ""
	if b, ok := m.broker(); ok && b.Measured {
		o.Put(BrokerRSS, mib(b.RSSBytes))
		o.Put(BrokerCPU, roundTo(b.CPUDelta, 2))
		brokerText = fmt.Sprintf("; the broker (%s) %.1f MiB, %.2f s CPU", b.Impl, mib(b.RSSBytes), b.CPUDelta)
		if b.Log.Measured() && m.Orders > 0 {
			per := float64(b.LogGrowth) / float64(m.Orders) * 1000
			o.Put(LogBytesPer1000, roundTo(per, 0))
			brokerText += fmt.Sprintf(", %s written to its log dir for %d orders (%s per 1,000 orders)", stats.Bytes(float64(b.LogGrowth)), m.Orders, stats.Bytes(per))
		} else {
			brokerText += ", its log's disk not measured"
		}
	}
	for _, c := range m.Components {
		if c.Kind == usage.KindTracing && c.Measured {
			o.Put(TracingRSS, mib(c.RSSBytes))
			o.Put(TracingCPU, roundTo(c.CPUDelta, 2))
		}
		o.Details = append(o.Details, c.line())
	}
	o.Details = append(o.Details, m.pathLine())
	unmeasured := ""
	if len(t.Unmeasured) > 0 {
		unmeasured = fmt.Sprintf(" (not measured: %s, so the totals leave it out)", strings.Join(t.Unmeasured, ", "))
	}
	o.Verdict = fmt.Sprintf("%s: %d components to run (%s), %d had to be healthy per order; %.1f MiB memory, %.2f s CPU for %d orders in %s (%.2f ms per order)%s%s",
		m.Mode, t.Components, processes(t.Processes), m.Path.Count(), mib(t.RSSBytes), t.CPU, m.Orders, stats.Duration(m.Window), m.cpuMSPerOrder(), brokerText, unmeasured)
}

// line is one component's detail.
func (c opsComponent) line() string {
	what := string(c.Kind)
	if c.Kind == usage.KindTracing {
		what = "tracing, shared by the stacks, in no total"
	}
	if !c.Measured {
		return fmt.Sprintf("%s (%s; %s; %s): not measured", c.Name, what, c.Impl, c.Where)
	}
	s := fmt.Sprintf("%s (%s; %s; %s, %s): memory %.1f MiB at the end, CPU %.2f s during the load",
		c.Name, what, c.Impl, c.Where, processes(c.Processes), mib(c.RSSBytes), c.CPUDelta)
	if c.Log.Measured() {
		s += fmt.Sprintf("; log dir %s: %s written during the load, %s written and %s on disk (allocated blocks) at the end",
			c.Log.Path, stats.Bytes(float64(c.LogGrowth)), stats.Bytes(float64(c.Log.Written)), stats.Bytes(float64(c.Log.Allocated)))
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

// judgeOpsCost checks the claim once the modes ran: "a broker is one more
// system to run" holds for a brokered stack (either saga style) when it
// needed more components than sync and more resources as well (memory at
// the end, or CPU per order). Each brokered outcome carries its comparison
// with sync; sync's holds when every comparison does.
func judgeOpsCost(r *kit.Run) {
	sync, brokered := r.Of(stackmode.Sync), r.Brokered()
	if sync == nil || len(brokered) == 0 {
		for i := range r.Outcomes {
			r.Outcomes[i].Holds = false
			r.Outcomes[i].Verdict += "; the claim compares the modes: run with --mode both or --mode all"
		}
		return
	}
	sync.Holds = true
	for _, b := range brokered {
		b.Holds = compareWithSync(sync, b)
		sync.Holds = sync.Holds && b.Holds
	}
}

// compareWithSync judges one brokered outcome against sync's and says so in
// its verdict.
func compareWithSync(sync, b *kit.Outcome) bool {
	sc, bc := sync.Value(Components.Key), b.Value(Components.Key)
	sr, br := sync.Value(RSS.Key), b.Value(RSS.Key)
	sp, bp := sync.Value(CPUPerOrder.Key), b.Value(CPUPerOrder.Key)
	moreComponents, moreRSS, moreCPU := bc > sc, br > sr, bp > sp
	holds := moreComponents && (moreRSS || moreCPU)
	cmp := fmt.Sprintf("%s vs sync: %g vs %g components, %g vs %g had to be healthy, %.1f vs %.1f MiB memory, %.2f vs %.2f ms CPU per order",
		b.Mode, bc, sc, b.Value(MustBeHealthy.Key), sync.Value(MustBeHealthy.Key), br, sr, bp, sp)
	var why string
	switch {
	case holds:
		why = "the broker is one more thing to run, and it cost more (" + more(moreRSS, moreCPU) + ")"
	case !moreComponents:
		why = "the claim did not show in this run: " + b.Mode + " ran no more components than sync"
	default:
		why = "the claim did not show in this run: " + b.Mode + " ran more components but used no more memory and no more CPU per order"
	}
	b.Verdict += "; " + cmp + ": " + why
	return holds
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
