// Package opscost is the ops-cost scenario: what each mode's components
// take to run the same load, and what had to be healthy per order.
package opscost

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// opsLoadFactor scales the batch up from Size.Orders: CPU is counted in
// 10 ms ticks natively, and a few orders' worth would be mostly rounding.
const opsLoadFactor = 5

// Def is ops-cost.
var Def = kit.Define(kit.Spec[opsRun]{
	About: kit.About{
		Name:     "ops-cost",
		Summary:  "the same load on each mode (5× the batch size): components to run, RSS and CPU per component (broker included, Jaeger apart), broker log disk per 1,000 orders, what had to be healthy per order",
		Claim:    "a broker is a system to run, monitor, scale and back up; a REST API is much cheaper to operate",
		Metrics:  append(kit.LoadMetrics(), Components, Processes, MustBeHealthy, RSS, CPU, CPUPerOrder, Window, BrokerRSS, BrokerCPU, LogBytesPer1000, TracingRSS, TracingCPU),
		Headline: []kit.MetricKey{Components.Key, RSS.Key, CPUPerOrder.Key},
		Answers: []kit.Answer{{Question: kit.OperateBroker, Place: 4,
			Keys: []kit.MetricKey{Components.Key, MustBeHealthy.Key, RSS.Key, CPUPerOrder.Key, LogBytesPer1000.Key}}},
	},
	Run: run,
	Judge: func(_ stackmode.Mode, r opsRun) kit.Outcome {
		o := kit.OutcomeOf(r.Summary, r.Measure.Orders)
		r.Followed.Put(&o)
		r.Measure.put(&o)
		return o
	},
	Across: judgeOpsCost,
})

// opsRun is what one mode's run measured: the load, followed to final, and
// what each component took to run it.
type opsRun struct {
	Summary  load.Summary
	Followed kit.Followed
	Measure  opsMeasure
}

// run samples what mode's components use, places one batch and follows it
// to final, then samples again: what it took to run that load.
func run(ctx context.Context, e *kit.Env, t kit.Target) (opsRun, error) {
	n, rate := opsLoadFactor*e.Size.Orders, e.Size.Rate
	if err := e.StockFor(ctx, t, "ops-cost", n, nil); err != nil {
		return opsRun{}, err
	}
	before, err := e.Control.Usage(ctx, t.Mode)
	if err != nil {
		return opsRun{}, err
	}
	if err := allRunning(t.Mode, before); err != nil {
		return opsRun{}, err
	}
	e.Step("  placing %d orders at %g/s (%d× the batch size, so CPU counters move) and measuring each component (%s)", n, rate, opsLoadFactor, e.Control.Runtime())
	start := time.Now()
	res, err := e.Place(ctx, t, "ops-cost", n, rate, nil)
	if err != nil {
		return opsRun{}, err
	}
	f, err := e.Follow(ctx, t, "ops-cost", &res)
	if err != nil {
		return opsRun{}, err
	}
	window := time.Since(start)
	after, err := e.Control.Usage(ctx, t.Mode)
	if err != nil {
		return opsRun{}, err
	}
	m, err := measureOps(t.Mode, before, after, n, window)
	if err != nil {
		return opsRun{}, err
	}
	return opsRun{Summary: load.Summarize(res), Followed: f, Measure: m}, nil
}

// allRunning refuses to measure a mode whose components do not all run: the
// numbers would describe a smaller system than the mode needs.
func allRunning(m stackmode.Mode, cs []usage.Component) error {
	for _, c := range cs {
		if c.Counted() && !c.Running {
			return fmt.Errorf("%s of the %s stack is not running (%s): bring it up with `flowctl up --mode %s`", c.Name, m, c.Where, m)
		}
	}
	return nil
}

// opsComponent is one component's end sample and what changed during the load.
type opsComponent struct {
	usage.Component
	CPUDelta float64 // seconds
	// LogGrowth is how much was written to the broker's log dir, bytes.
	LogGrowth int64
}

// opsMeasure is one mode's run: its components and the order path.
type opsMeasure struct {
	Mode       stackmode.Mode
	Orders     int
	Window     time.Duration
	Path       orderPath
	Components []opsComponent
}

// measureOps pairs the samples before and after the load by component.
func measureOps(m stackmode.Mode, before, after []usage.Component, orders int, window time.Duration) (opsMeasure, error) {
	out := opsMeasure{Mode: m, Orders: orders, Window: window, Path: pathOf(m)}
	for _, a := range after {
		var b *usage.Component
		for i := range before {
			if before[i].Name == a.Name {
				b = &before[i]
			}
		}
		if b == nil {
			if !a.Counted() {
				continue // Jaeger came up meanwhile: no start to count from
			}
			return out, fmt.Errorf("%s appeared during the load: no sample before it to count from; run ops-cost again", a.Name)
		}
		if a.Counted() && !a.Running {
			return out, fmt.Errorf("%s stopped during the load (%s); run ops-cost again with the stack whole", a.Name, a.Where)
		}
		c := opsComponent{Component: a}
		if a.Measured && b.Measured {
			if a.Where != b.Where || a.CPUSeconds < b.CPUSeconds {
				return out, fmt.Errorf("%s restarted during the load (%s, then %s): its CPU counter began again; run ops-cost again", a.Name, b.Where, a.Where)
			}
			c.CPUDelta = a.CPUSeconds - b.CPUSeconds
			c.LogGrowth = a.Log.Written - b.Log.Written
		} else {
			c.Measured = false
		}
		out.Components = append(out.Components, c)
	}
	return out, nil
}

// opsTotals sums the counted components (services and broker).
type opsTotals struct {
	Components, Processes int
	RSSBytes              int64
	CPU                   float64
	Unmeasured            []string
}

func (m opsMeasure) totals() opsTotals {
	var t opsTotals
	for _, c := range m.Components {
		if !c.Counted() {
			continue
		}
		t.Components++
		if !c.Measured {
			t.Unmeasured = append(t.Unmeasured, c.Name)
			continue
		}
		t.Processes += c.Processes
		t.RSSBytes += c.RSSBytes
		t.CPU += c.CPUDelta
	}
	return t
}

// cpuMSPerOrder is the counted components' CPU during the load per order placed.
func (m opsMeasure) cpuMSPerOrder() float64 {
	if m.Orders == 0 {
		return 0
	}
	return m.totals().CPU * 1000 / float64(m.Orders)
}

func (m opsMeasure) broker() (opsComponent, bool) {
	for _, c := range m.Components {
		if c.Kind == usage.KindBroker {
			return c, true
		}
	}
	return opsComponent{}, false
}

func mib(b int64) float64 { return roundTo(float64(b)/(1<<20), 1) }

func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
