package scenario

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/explain"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Setup is how a run of scenarios (`flowctl scenario`, `compare`,
// `walkthrough`) sizes the scenarios, brings the stacks up and shows what
// happens.
type Setup struct {
	Size Size
	// Propagations are the TRACE_PROPAGATION settings find-the-failure
	// compares.
	Propagations []config.Propagation
	// Up brings the stacks up; its Progress gets every step's line too.
	Up stack.UpOptions
	// Stderr gets the end of the log of a process that did not start.
	Stderr io.Writer
	// Bar shows a long step's progress (report.Progress).
	Bar Bar
	// RenderTrace draws an investigated order's trace as lines.
	RenderTrace func(investigate.Investigation) []string
	// Ledger is the check at the end of every scenario's run of a mode;
	// nil is the ledger check of the services' APIs (kit.CheckLedger),
	// settling for as long as the scenarios wait for orders to be final.
	Ledger kit.Ledger
}

// Bar is a progress bar: Done ends one left unfinished.
type Bar interface {
	Update(label string, done, total int)
	Done()
}

// Check rejects a setup the scenarios cannot run with; it names the flags
// that set it.
func (s Setup) Check() error {
	z := s.Size
	switch {
	case z.Orders < 1 || z.Orders > 10000:
		return fmt.Errorf("--orders %d: use 1 to 10000", z.Orders)
	case z.Rate <= 0 || z.Rate > 1000:
		return fmt.Errorf("--rate %g: use more than 0 and at most 1000 orders per second", z.Rate)
	case z.DownFor < 500*time.Millisecond || z.DownFor > 10*time.Minute:
		return fmt.Errorf("--down-for %s: use 500ms to 10m", z.DownFor)
	case z.Latency < 0 || z.Latency > time.Minute:
		return fmt.Errorf("--latency %s: use 0 to 1m", z.Latency)
	case z.Settle < time.Second:
		return fmt.Errorf("--settle %s: use at least 1s", z.Settle)
	}
	for _, p := range s.Propagations {
		switch p {
		case config.PropagationChild, config.PropagationLink, config.PropagationOff:
		default:
			return fmt.Errorf("--propagation %q: use child, link or off (comma-separated)", p)
		}
	}
	return nil
}

// EnvOnStacks brings each mode's stack up where s says and wires the Env
// the scenarios run in: its targets, broker, Jaeger and the runtime.
func EnvOnStacks(ctx context.Context, s *stack.Stacks, modes []stackmode.Mode, set Setup) (*Env, error) {
	tok, err := s.Token()
	if err != nil {
		return nil, err
	}
	progress := set.Up.Progress
	env := &Env{
		Targets:      map[stackmode.Mode]Target{},
		TopicPrefix:  s.TopicPrefix,
		Size:         set.Size,
		Propagations: set.Propagations,
		Say:          func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) },
		Progress:     set.Bar.Update,
		RenderTrace:  set.RenderTrace,
		Ledger:       set.Ledger,
	}
	if env.Ledger == nil {
		env.Ledger = kit.CheckLedger(set.Size.Settle)
	}
	for _, m := range modes {
		st, _, err := explain.Up(ctx, s, m, set.Up, set.Stderr)
		if err != nil {
			return nil, err
		}
		env.Targets[m] = NewTarget(m, st.URLs, tok)
		if len(st.Brokers) > 0 {
			env.Brokers = st.Brokers
		}
		if st.Jaeger {
			env.Jaeger = api.NewJaeger(s.Jaeger, nil)
			env.JaegerUI = st.JaegerUI
		}
	}
	// The runtime the stacks just came up in (chosen once per run).
	if env.Control, err = s.Runtime(ctx); err != nil {
		return nil, err
	}
	for _, t := range env.Targets {
		t.ReachReplicas(s.Runtime)
	}
	return env, nil
}

// RunOnStacks brings modes' stacks up and runs every scenario against them
// in turn, calling done after each.
func RunOnStacks(ctx context.Context, s *stack.Stacks, scs []Scenario, modes []stackmode.Mode, set Setup, done func(Run)) (Report, error) {
	rep := Report{Started: time.Now().UTC()}
	env, err := EnvOnStacks(ctx, s, modes, set)
	if err != nil {
		return rep, err
	}
	rep.Runtime = env.Control.Runtime()
	markLogs(ctx, env, modes, &rep)
	for _, sc := range scs {
		r, err := sc.Run(ctx, env, modes)
		set.Bar.Done()
		if err != nil {
			return rep, explain.Interrupted(ctx, err)
		}
		rep.Runs = append(rep.Runs, r)
		done(r)
	}
	return rep, nil
}

// markLogs records how big each brokered stack's log is before the run:
// scenarios that read the log read their own part of it, and the report
// says what they ran against. Unknown is said and not fatal: the scenarios
// that need the broker say more precisely what is wrong with it.
func markLogs(ctx context.Context, env *Env, modes []stackmode.Mode, rep *Report) {
	if len(env.Brokers) == 0 {
		return
	}
	for _, m := range modes {
		t, ok := env.Targets[m]
		if !ok || !m.Kafka() {
			continue
		}
		mark, err := env.MarkLog(ctx, t)
		if err != nil {
			env.Step("(the %s log's size before this run is unknown: %v)", m, err)
			continue
		}
		if rep.LogsBefore == nil {
			rep.LogsBefore = map[string]kit.LogSize{}
		}
		rep.LogsBefore[string(m)] = mark.LogSize
		if m == stackmode.Events {
			rep.LogBefore = &mark.LogSize
		}
		env.Step("  the %s log holds %s before this run", m, mark.LogSize)
	}
}
