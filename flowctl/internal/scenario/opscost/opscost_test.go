package opscost

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

func TestPathOfFollowsTheTopology(t *testing.T) {
	s := pathOf(stackmode.Sync)
	if !slices.Equal(s.Services, []string{"order-svc", "inventory-svc", "invoicing-svc"}) || s.Broker || len(s.Topics) != 0 || s.Count() != 3 {
		t.Errorf("sync path = %+v (count %d)", s, s.Count())
	}
	e := pathOf(stackmode.Events)
	if !slices.Equal(e.Services, []string{"order-svc", "inventory-svc", "invoicing-svc"}) || !e.Broker ||
		!slices.Equal(e.Topics, []string{"orders.v1", "inventory.v1", "invoicing.v1"}) || e.Count() != 4 {
		t.Errorf("events path = %+v (count %d)", e, e.Count())
	}
	// Orchestrated, the order travels on commands and replies; nothing
	// consumes orders.v1 or inventory.v1 there, so they carry no order.
	o := pathOf(stackmode.Orchestration)
	if !slices.Equal(o.Services, []string{"order-svc", "inventory-svc", "invoicing-svc"}) || !o.Broker ||
		!slices.Equal(o.Topics, []string{"inventory.commands.v1", "invoicing.commands.v1", "order-saga.replies.v1"}) || o.Count() != 4 {
		t.Errorf("orchestration path = %+v (count %d)", o, o.Count())
	}
}

// fakeUsage is a mode's components at one moment: each service with rss
// MiB and cpu seconds, the broker when brokerRSS > 0, and Jaeger.
func fakeUsage(rss, cpu float64, brokerRSS, brokerCPU float64, brokerDisk int64) []usage.Component {
	var out []usage.Component
	for i, svc := range []string{"order-svc", "inventory-svc", "invoicing-svc"} {
		out = append(out, usage.Component{Name: svc, Kind: usage.KindService, Where: "pid " + string(rune('1'+i)), Running: true, Measured: true,
			Processes: 1, RSSBytes: int64(rss * (1 << 20)), CPUSeconds: cpu})
	}
	if brokerRSS > 0 {
		out = append(out, usage.Component{Name: "broker", Kind: usage.KindBroker, Impl: "kfake", Where: "pid 9", Running: true, Measured: true,
			Processes: 1, RSSBytes: int64(brokerRSS * (1 << 20)), CPUSeconds: brokerCPU, Log: usage.LogDir{Path: "kafka-data", Written: brokerDisk, Allocated: brokerDisk + 8192}})
	}
	return append(out, usage.Component{Name: "jaeger", Kind: usage.KindTracing, Where: "pid 7", Running: true, Measured: true,
		Processes: 1, RSSBytes: 500 << 20, CPUSeconds: 100})
}

func TestMeasureOps(t *testing.T) {
	before := fakeUsage(20, 1, 30, 2, 10_000)
	after := fakeUsage(25, 1.5, 40, 2.4, 30_000)
	after[4].CPUSeconds = 150 // Jaeger busy: in neither total
	m, err := measureOps(stackmode.Events, before, after, 40, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	tot := m.totals()
	if tot.Components != 4 || tot.Processes != 4 || tot.RSSBytes != (3*25+40)<<20 {
		t.Errorf("totals = %+v, want 4 components, 4 processes, 115 MiB", tot)
	}
	if got := roundTo(tot.CPU, 6); got != 1.9 { // 3 × 0.5 + 0.4
		t.Errorf("CPU during the load = %g, want 1.9", got)
	}
	if got := roundTo(m.cpuMSPerOrder(), 6); got != 47.5 {
		t.Errorf("CPU per order = %g ms, want 47.5", got)
	}
	var o kit.Outcome
	m.put(&o)
	if bad := Def.Undeclared(o); len(bad) > 0 {
		t.Errorf("metrics the definition lacks: %v", bad)
	}
	for k, want := range map[kit.MetricKey]float64{Components.Key: 4, MustBeHealthy.Key: 4, RSS.Key: 115, CPU.Key: 1.9,
		BrokerRSS.Key: 40, BrokerCPU.Key: 0.4, LogBytesPer1000.Key: 500_000, TracingRSS.Key: 500, TracingCPU.Key: 50} {
		if got, ok := o.Metric(k); !ok || got.Value != want {
			t.Errorf("%s = %v (%v), want %g", k, got.Value, ok, want)
		}
	}
	if !strings.HasPrefix(o.Verdict, "events: 4 components to run (4 processes), 4 had to be healthy") || !strings.Contains(o.Verdict, "kfake") {
		t.Errorf("verdict %q", o.Verdict)
	}
	if len(o.Details) != 6 || !strings.Contains(o.Details[4], "in no total") || !strings.Contains(o.Details[5], "orders.v1") {
		t.Errorf("details %q", o.Details)
	}

	restarted := fakeUsage(25, 0.2, 40, 2.4, 30_000)
	restarted[0].Where = "pid 99"
	if _, err := measureOps(stackmode.Events, before, restarted, 40, time.Second); err == nil || !strings.Contains(err.Error(), "restarted") {
		t.Errorf("a service restarted during the load: %v", err)
	}
	stopped := fakeUsage(25, 1.5, 40, 2.4, 30_000)
	stopped[3].Running, stopped[3].Measured = false, false
	if _, err := measureOps(stackmode.Events, before, stopped, 40, time.Second); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("the broker stopped during the load: %v", err)
	}
	if _, err := measureOps(stackmode.Events, fakeUsage(20, 1, 0, 0, 0), after, 40, time.Second); err == nil || !strings.Contains(err.Error(), "appeared") {
		t.Errorf("the broker appeared during the load: %v", err)
	}
	if err := allRunning(stackmode.Events, stopped); err == nil || !strings.Contains(err.Error(), "flowctl up --mode events") {
		t.Errorf("allRunning with the broker down: %v", err)
	}
}

// measuredRun is one ops-cost run of both modes from fake samples.
func measuredRun(t *testing.T, syncBefore, syncAfter, eventsBefore, eventsAfter []usage.Component) kit.Run {
	t.Helper()
	return measuredModes(t, []sampled{{stackmode.Sync, syncBefore, syncAfter}, {stackmode.Events, eventsBefore, eventsAfter}})
}

// sampled is one mode's fake samples before and after the load.
type sampled struct {
	mode          stackmode.Mode
	before, after []usage.Component
}

// measuredModes is one ops-cost run of the modes from fake samples.
func measuredModes(t *testing.T, modes []sampled) kit.Run {
	t.Helper()
	r := kit.Run{Scenario: "ops-cost"}
	for _, c := range modes {
		m, err := measureOps(c.mode, c.before, c.after, 40, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		o := kit.Outcome{Mode: string(c.mode)}
		m.put(&o)
		r.Outcomes = append(r.Outcomes, o)
	}
	return r
}

func TestJudgeOpsCost(t *testing.T) {
	t.Run("the broker adds a component and costs memory and CPU: holds", func(t *testing.T) {
		r := measuredRun(t, fakeUsage(20, 1, 0, 0, 0), fakeUsage(20, 1.2, 0, 0, 0),
			fakeUsage(20, 1, 30, 1, 0), fakeUsage(20, 1.2, 30, 1.3, 4096))
		judgeOpsCost(&r)
		for _, o := range r.Outcomes {
			if !o.Holds {
				t.Errorf("%s does not hold: %s", o.Mode, o.Verdict)
			}
		}
		if v := r.Outcomes[1].Verdict; !strings.Contains(v, "4 vs 3 components") || !strings.Contains(v, "memory and CPU per order") {
			t.Errorf("events verdict %q", v)
		}
	})
	t.Run("events lighter per order and no more components: fails", func(t *testing.T) {
		// A sync run whose services sit behind a broker too (same count),
		// and events spending less CPU and memory: the claim does not show.
		syncB, syncA := fakeUsage(20, 1, 30, 1, 0), fakeUsage(20, 1.5, 30, 1.1, 0)
		r := measuredRun(t, syncB, syncA, fakeUsage(10, 1, 5, 1, 0), fakeUsage(10, 1.1, 5, 1.05, 0))
		judgeOpsCost(&r)
		for _, o := range r.Outcomes {
			if o.Holds {
				t.Errorf("%s holds: %s", o.Mode, o.Verdict)
			}
		}
		if v := r.Outcomes[1].Verdict; !strings.Contains(v, "the claim did not show in this run: events ran no more components") {
			t.Errorf("events verdict %q", v)
		}
	})
	t.Run("more components but less memory and CPU: fails", func(t *testing.T) {
		r := measuredRun(t, fakeUsage(40, 1, 0, 0, 0), fakeUsage(40, 2, 0, 0, 0),
			fakeUsage(10, 1, 5, 1, 0), fakeUsage(10, 1.1, 5, 1.05, 0))
		judgeOpsCost(&r)
		if r.Outcomes[0].Holds || r.Outcomes[1].Holds || !strings.Contains(r.Outcomes[1].Verdict, "no more memory and no more CPU") {
			t.Errorf("holds %v/%v: %s", r.Outcomes[0].Holds, r.Outcomes[1].Holds, r.Verdict())
		}
	})
	t.Run("three stacks: each brokered one compared with sync", func(t *testing.T) {
		r := measuredModes(t, []sampled{
			{stackmode.Sync, fakeUsage(20, 1, 0, 0, 0), fakeUsage(20, 1.2, 0, 0, 0)},
			{stackmode.Events, fakeUsage(20, 1, 30, 1, 0), fakeUsage(20, 1.2, 30, 1.3, 4096)},
			{stackmode.Orchestration, fakeUsage(22, 1, 30, 1, 0), fakeUsage(22, 1.3, 30, 1.4, 8192)},
		})
		judgeOpsCost(&r)
		for _, o := range r.Outcomes {
			if !o.Holds {
				t.Errorf("%s does not hold: %s", o.Mode, o.Verdict)
			}
		}
		if v := r.Outcomes[2].Verdict; !strings.HasPrefix(v, "events-orchestration: ") || !strings.Contains(v, "events-orchestration vs sync: 4 vs 3 components") {
			t.Errorf("orchestration verdict %q", v)
		}
	})
	t.Run("three stacks, the orchestrated one no dearer than sync: it and sync fail", func(t *testing.T) {
		r := measuredModes(t, []sampled{
			{stackmode.Sync, fakeUsage(40, 1, 0, 0, 0), fakeUsage(40, 2, 0, 0, 0)},
			{stackmode.Events, fakeUsage(40, 1, 30, 1, 0), fakeUsage(40, 2.2, 30, 1.3, 4096)},
			{stackmode.Orchestration, fakeUsage(10, 1, 5, 1, 0), fakeUsage(10, 1.1, 5, 1.05, 0)},
		})
		judgeOpsCost(&r)
		if r.Outcomes[0].Holds || !r.Outcomes[1].Holds || r.Outcomes[2].Holds {
			t.Errorf("holds sync %v, events %v, orchestration %v: %s", r.Outcomes[0].Holds, r.Outcomes[1].Holds, r.Outcomes[2].Holds, r.Verdict())
		}
		if v := r.Outcomes[2].Verdict; !strings.Contains(v, "events-orchestration ran more components but used no more memory") {
			t.Errorf("orchestration verdict %q", v)
		}
	})
	t.Run("one mode alone cannot compare: fails", func(t *testing.T) {
		r := measuredRun(t, fakeUsage(20, 1, 0, 0, 0), fakeUsage(20, 1.2, 0, 0, 0),
			fakeUsage(20, 1, 30, 1, 0), fakeUsage(20, 1.2, 30, 1.3, 4096))
		r.Outcomes = r.Outcomes[1:]
		judgeOpsCost(&r)
		if r.Outcomes[0].Holds || !strings.Contains(r.Outcomes[0].Verdict, "--mode both") {
			t.Errorf("events alone: holds %v, %s", r.Outcomes[0].Holds, r.Outcomes[0].Verdict)
		}
	})
}
