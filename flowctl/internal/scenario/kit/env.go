package kit

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Env is everything a scenario works with. It holds no state between a
// scenario's steps: what a step measured, it returns.
type Env struct {
	Control Control
	Targets map[stackmode.Mode]Target
	// Brokers is where flowctl itself reads the event log (events mode).
	Brokers     []string
	TopicPrefix string
	// Jaeger, when set, is asked for traces.
	Jaeger *api.Jaeger
	// JaegerUI says Jaeger's UI answers (stack.Stack.JaegerUI): only then is
	// a link into it worth printing.
	JaegerUI bool
	// Propagations are the TRACE_PROPAGATION settings find-the-failure
	// compares (default child, link, off).
	Propagations []config.Propagation
	// RenderTrace, when set, draws an investigated order's trace as lines
	// (the terminal waterfall).
	RenderTrace func(investigate.Investigation) []string
	Size        Size
	// Say prints a step as it happens (to stderr with --json).
	Say func(format string, args ...any)
	// Progress, when set, shows a long step's progress (a bar on a TTY).
	Progress func(label string, done, total int)
	// Ledger, when set, is checked at the end of every scenario's run of a
	// mode (CheckLedger); unset in tests of scenarios against fakes.
	Ledger Ledger
}

// Step says what is happening, when someone listens.
func (e *Env) Step(format string, args ...any) {
	if e.Say != nil {
		e.Say(format, args...)
	}
}

// Advance shows a long step's progress, when someone watches.
func (e *Env) Advance(label string, done, total int) {
	if e.Progress != nil {
		e.Progress(label, done, total)
	}
}

// Target is mode's stack, or an error saying how to bring it up.
func (e *Env) Target(m stackmode.Mode) (Target, error) {
	t, ok := e.Targets[m]
	if !ok {
		return Target{}, fmt.Errorf("no %s stack: bring it up with `flowctl up --mode %s`", m, m)
	}
	return t, nil
}

// CleanupCtx outlives an interrupt long enough to put a stopped service or
// broker back.
func CleanupCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
}
