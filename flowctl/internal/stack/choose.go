package stack

import (
	"context"
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// Provider is one runtime flowctl can run stacks in: its package's entry in
// the list the root command passes to New. A new runtime is a package with a
// Provider and one more line in that list.
type Provider interface {
	Kind() RuntimeKind
	// Name is how a message calls it ("Docker").
	Name() string
	// Open reaches the runtime's platform (an engine, a cluster) for s; an
	// error says it does not answer. The fallback's Open never fails.
	Open(ctx context.Context, s *Stacks) (Runtime, error)
}

// explicitOnly is a Provider auto never tries: only its own --runtime value
// picks it (a cluster is not something to reach for unasked).
type explicitOnly interface{ ExplicitOnly() bool }

// onlyExplicit says p is an explicitOnly Provider.
func onlyExplicit(p Provider) bool {
	e, ok := p.(explicitOnly)
	return ok && e.ExplicitOnly()
}

// choose is the one rule that picks the runtime. An explicit --runtime is
// that runtime, or an error when its platform does not answer. Auto takes the
// first runtime of the list whose platform answers and that holds stacks of
// flowctl's now or, to bring a stack up (up), could run one; else the last,
// the fallback, and why (one line) it did not take the others. A runtime
// that is explicitOnly is never auto's.
func choose(ctx context.Context, s *Stacks, up bool) (Runtime, string, error) {
	if len(s.runtimes) == 0 {
		return nil, "", fmt.Errorf("no runtime is known")
	}
	last := len(s.runtimes) - 1
	fallback := s.runtimes[last]
	if s.Kind != RuntimeAuto {
		for i, p := range s.runtimes {
			if p.Kind() != s.Kind {
				continue
			}
			rt, err := p.Open(ctx, s)
			if err == nil {
				return rt, "", nil
			}
			if up && i != last {
				return nil, "", fmt.Errorf("--runtime %s: %w; or use --runtime %s", s.Kind, err, fallback.Kind())
			}
			return nil, "", fmt.Errorf("--runtime %s: %w", s.Kind, err)
		}
		return nil, "", fmt.Errorf("--runtime %s: this flowctl does not know it", s.Kind)
	}
	var why []string
	for _, p := range s.runtimes[:last] {
		if onlyExplicit(p) {
			continue
		}
		rt, err := p.Open(ctx, s)
		if err != nil {
			why = append(why, fmt.Sprintf("no %s (%v)", p.Name(), err))
			continue
		}
		if rt.Holds(ctx) {
			return rt, "", nil
		}
		if !up {
			continue
		}
		if err := rt.Usable(ctx); err != nil {
			why = append(why, err.Error())
			continue
		}
		return rt, "", nil
	}
	rt, err := fallback.Open(ctx, s)
	return rt, strings.Join(why, "; "), err
}

// Runtime is the runtime the stacks run in, for a command that acts on
// running stacks (stop, start, reset, the dashboard). It is chosen once per
// run; an error is not kept, so a later call tries again.
func (s *Stacks) Runtime(ctx context.Context) (Runtime, error) {
	rt, _, err := s.pick(ctx, false)
	return rt, err
}

// RuntimeToUp is the runtime to bring stacks up in and, when auto fell back,
// why (one line).
func (s *Stacks) RuntimeToUp(ctx context.Context) (Runtime, string, error) {
	return s.pick(ctx, true)
}

func (s *Stacks) pick(ctx context.Context, up bool) (Runtime, string, error) {
	s.rtMu.Lock()
	defer s.rtMu.Unlock()
	if s.runtime != nil {
		return s.runtime, s.why, nil
	}
	rt, why, err := choose(ctx, s, up)
	if err != nil {
		return nil, "", err
	}
	s.runtime, s.why = faultsFollowScale{runtime: rt, token: s.Token}, why
	return s.runtime, why, nil
}

// Up brings mode's stack up in the runtime the rule chooses (the same for
// every mode of this run), saying on o.Progress why auto fell back, if it
// did. It returns the runtime, for the scenarios to stop and start parts.
func (s *Stacks) Up(ctx context.Context, mode stackmode.Mode, o UpOptions) (Stack, Runtime, error) {
	rt, why, err := s.RuntimeToUp(ctx)
	if err != nil {
		return Stack{}, nil, err
	}
	if why != "" {
		fmt.Fprintf(o.Progress, "using the %s runtime: %s\n", rt.Runtime(), why)
	}
	st, err := rt.Up(ctx, mode, o)
	st.JaegerUI = st.Jaeger && rt.JaegerUI()
	return st, rt, err
}
