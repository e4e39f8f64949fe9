package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/cores"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/platform/retry"
)

// Target is one thing whose ceiling the bench finds: a mode's stack or a
// baseline. Step is all the search needs; Stack adds what only a stack has.
type Target struct {
	Name string
	// Baseline says the target is a reference, not a mode.
	Baseline bool
	// Unit is what Step sends, per second: "orders/s", "events/s", "requests/s".
	Unit string
	Step StepFunc
	// Measure, when set, replaces Step for the measured run at half the
	// ceiling (a stack counts its messages there).
	Measure StepFunc
	// Open, when Step is nil, sets the target up right before its turn (a
	// baseline's topics and consumers would otherwise idle beside the
	// modes' runs) and returns its StepFunc and how to tear it down.
	Open func(ctx context.Context) (StepFunc, func() error, error)
	// Stack is set for a mode: its processes are measured and, when it has
	// a consumer, its backlog drained.
	Stack *Stack
}

// Result is a whole bench: every target's ceiling and measured run.
type Result struct {
	Started time.Time  `json:"started"`
	Runtime string     `json:"runtime"`
	Config  ConfigJSON `json:"config"`
	// Cores is how many CPU cores the stacks had (cores.Of), beside every
	// ceiling: 0 when they ran off flowctl's machine (Remote), or in a
	// recording from before it was kept.
	Cores int `json:"cores,omitempty"`
	// Remote says the stacks ran off flowctl's machine (a cluster, a remote
	// Docker host): their cores are unknown here.
	Remote  bool           `json:"remote_runtime,omitempty"`
	Targets []TargetResult `json:"targets"`
}

// ConfigJSON is Config as people write it (durations as "10s").
type ConfigJSON struct {
	Start        float64 `json:"start"`
	Factor       float64 `json:"factor"`
	Max          float64 `json:"max"`
	StepDuration string  `json:"step_duration"`
	Settle       string  `json:"settle"`
	Pause        string  `json:"pause"`
	P99BoundMS   float64 `json:"p99_bound_ms"`
	Retries      int     `json:"retries"`
	Refine       int     `json:"refine"`
	BaselineMax  float64 `json:"baseline_max"`
	DrainOrders  int     `json:"drain_orders"`
}

// TargetResult is one target's part of the result.
type TargetResult struct {
	Name     string `json:"name"`
	Baseline bool   `json:"baseline"`
	Unit     string `json:"unit"`
	// Replicas are how many replicas of each service the stack ran (modes
	// only; absent in recordings from before replicas).
	Replicas map[string]int `json:"replicas,omitempty"`
	Ceiling  Ceiling        `json:"ceiling"`
	// Measured is the separate run at half the ceiling, where latencies are
	// those of a system with headroom.
	Measured Step `json:"measured"`
	// Resources per process during the measured run (modes only), or why
	// there are none.
	Resources     []Usage `json:"resources,omitempty"`
	ResourcesNote string  `json:"resources_note,omitempty"`
	// Drain of a paused consumer's backlog (modes with a consumer), or why
	// there is none.
	Drain     *Drain `json:"drain,omitempty"`
	DrainNote string `json:"drain_note,omitempty"`
	// Ledger is the ledger check once the bench was done with the stack
	// (modes only), or LedgerNote why it could not run.
	Ledger     *audit.Report `json:"ledger,omitempty"`
	LedgerNote string        `json:"ledger_note,omitempty"`
}

// Options are what Run needs besides the search bounds.
type Options struct {
	Runtime string
	// Remote says the stacks run off flowctl's machine (stack.Runtime's
	// Local is false).
	Remote bool
	// DrainOrders is how many orders pile up behind a paused consumer.
	DrainOrders int
	// Say prints a progress line.
	Say func(format string, args ...any)
}

// Run finds each target's ceiling in turn (never two at once: they would
// share the CPU), then measures it at half that rate, its processes and,
// for a stack with a consumer, its backlog drain.
func Run(ctx context.Context, cfg Config, targets []Target, o Options) (Result, error) {
	if err := cfg.Check(); err != nil {
		return Result{}, err
	}
	if o.Say == nil {
		o.Say = func(string, ...any) {}
	}
	res := Result{Started: time.Now().UTC(), Runtime: o.Runtime, Cores: cores.Of(!o.Remote), Remote: o.Remote, Config: ConfigJSON{
		Start: cfg.Start, Factor: cfg.Factor, Max: cfg.Max, StepDuration: cfg.StepDuration.String(),
		Settle: cfg.Settle.String(), Pause: cfg.Pause.String(), P99BoundMS: ms(cfg.P99Bound), Retries: cfg.Retries, Refine: cfg.Refine, BaselineMax: cfg.BaselineMax, DrainOrders: o.DrainOrders,
	}}
	for i, t := range targets {
		if i > 0 {
			if err := retry.Wait(ctx, cfg.Pause); err != nil {
				return res, err
			}
		}
		tr, err := openAndRun(ctx, cfg, t, o)
		if err != nil {
			return res, fmt.Errorf("%s: %w", t.Name, err)
		}
		res.Targets = append(res.Targets, tr)
	}
	return res, nil
}

// openAndRun sets t up if it needs it, runs it and tears it down again.
func openAndRun(ctx context.Context, cfg Config, t Target, o Options) (tr TargetResult, err error) {
	if t.Step == nil && t.Open != nil {
		o.Say("%s: setting up", t.Name)
		step, closeFn, err := t.Open(ctx)
		if err != nil {
			return tr, err
		}
		defer func() {
			if cerr := closeFn(); cerr != nil && err == nil {
				err = cerr
			}
		}()
		t.Step = step
	}
	tr, err = runTarget(ctx, cfg, t, o)
	if err == nil && t.Stack != nil && t.Stack.Ledger != nil {
		checkLedger(ctx, &tr, t.Stack, cfg.Settle, o)
	}
	return tr, err
}

func runTarget(ctx context.Context, cfg Config, t Target, o Options) (TargetResult, error) {
	tr := TargetResult{Name: t.Name, Baseline: t.Baseline, Unit: t.Unit}
	if t.Stack != nil {
		tr.Replicas = t.Stack.Replicas
	}
	if t.Baseline && cfg.BaselineMax > 0 {
		cfg.Max = cfg.BaselineMax
	}
	o.Say("%s: stepping %s up from %g until it piles up or p99 passes %s", t.Name, t.Unit, cfg.Start, stats.Ms(ms(cfg.P99Bound)))
	c, err := Search(ctx, cfg, t.Step, func(s Step) { o.Say("  %s", StepLine(s, t.Unit)) })
	if err != nil {
		return tr, err
	}
	tr.Ceiling = c
	o.Say("  ⇒ %s", c.Stop)

	rate := MeasureRate(c, cfg)
	// The pause before the measured run doubles as the idle measurement.
	var idle map[string]float64
	if t.Stack != nil {
		if idle, err = idleCPU(ctx, t.Stack, max(cfg.Pause, minIdleWindow)); err != nil {
			return tr, err
		}
	} else if err := retry.Wait(ctx, cfg.Pause); err != nil {
		return tr, err
	}
	var meter *Meter
	if t.Stack != nil {
		meter, tr.ResourcesNote = startMeter(t.Stack)
	}
	measure := t.Step
	if t.Measure != nil {
		measure = t.Measure
	}
	m, err := measure(ctx, rate, cfg.StepDuration, cfg.Settle)
	if err != nil {
		return tr, fmt.Errorf("measured run at %g %s: %w", rate, t.Unit, err)
	}
	m.Rate = rate
	tr.Measured = Judge(m, cfg.P99Bound)
	o.Say("  measured at %g %s (half the ceiling): %s", rate, t.Unit, StepLine(tr.Measured, t.Unit))
	if m.Messages != nil {
		o.Say("  messages: %s", MessagesText(*m.Messages))
	}
	if meter != nil {
		if tr.Resources, err = meter.Stop(m.Sent); err != nil {
			tr.Resources, tr.ResourcesNote = nil, "not measured: "+err.Error()
		}
		for i := range tr.Resources {
			tr.Resources[i].IdleCPUMsPerSec = idle[tr.Resources[i].Process]
		}
	}
	if t.Stack == nil {
		return tr, nil
	}
	if t.Stack.Drain == nil {
		tr.DrainNote = "no consumer (" + t.Name + " mode calls services directly)"
		return tr, nil
	}
	if err := retry.Wait(ctx, cfg.Pause); err != nil {
		return tr, err
	}
	placeRate := max(c.Max, cfg.Start)
	o.Say("  drain: %s's consumers paused, %d orders at %g/s, then resumed", t.Stack.Drain.Service, o.DrainOrders, placeRate)
	d, err := t.Stack.MeasureDrain(ctx, o.DrainOrders, placeRate, cfg.Settle)
	if err != nil {
		return tr, fmt.Errorf("backlog drain: %w", err)
	}
	tr.Drain = &d
	o.Say("  ⇒ %s", DrainText(d))
	return tr, nil
}

// minIdleWindow is the shortest idle measurement: CPU time comes in 10 ms
// ticks, so a second resolves 10 ms/s.
const minIdleWindow = time.Second

// idleCPU is each process's CPU use in ms per second over d with no load;
// nil (no error) when the stack's processes cannot be measured.
func idleCPU(ctx context.Context, s *Stack, d time.Duration) (map[string]float64, error) {
	m, _ := startMeter(s)
	if err := retry.Wait(ctx, d); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, nil
	}
	cpu, err := m.CPUSince()
	if err != nil {
		return nil, nil // the measured run's meter says why
	}
	for k, v := range cpu {
		cpu[k] = v * 1000 / d.Seconds()
	}
	return cpu, nil
}

// startMeter starts measuring a stack's processes, or says why it cannot.
func startMeter(s *Stack) (*Meter, string) {
	if s.Procs == nil {
		return nil, "not measured"
	}
	procs, why := s.Procs()
	if len(procs) == 0 {
		return nil, why
	}
	m, err := StartMeter(procs)
	if err != nil {
		return nil, "not measured: " + err.Error()
	}
	return m, ""
}

// StepLine is one step in a line: rate, verdict, latencies with their counts.
func StepLine(s Step, unit string) string {
	verdict := "sustainable"
	if !s.Sustainable {
		verdict = "NOT sustainable (" + s.Why + ")"
	}
	if s.Try > 1 {
		verdict = fmt.Sprintf("try %d: %s", s.Try, verdict)
	}
	return fmt.Sprintf("%g %s: %s · latency p50 %s · %s · %d sent", s.Rate, unit, verdict,
		Pct(s.Latency, 50), Pct99Label(s.Latency), s.Sent)
}

// DrainText says how fast a backlog drained.
func DrainText(d Drain) string {
	return fmt.Sprintf("%.0f events/s (%d events in %s, ±%s)", d.EventsPerSec, d.Backlog, stats.Ms(d.TookMS), stats.Ms(d.PollMS))
}
