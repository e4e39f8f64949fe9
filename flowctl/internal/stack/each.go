package stack

import (
	"context"
	"fmt"
	"io"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// Each is every runtime that may hold something of flowctl's, for down and
// logs: with --runtime K that one (when its platform answers) and the
// fallback, whose files are always looked at; with auto every one whose
// platform answers, but one only its own --runtime picks.
func (s *Stacks) Each(ctx context.Context) []Runtime {
	var out []Runtime
	for i, p := range s.runtimes {
		if s.Kind != RuntimeAuto && p.Kind() != s.Kind && i != len(s.runtimes)-1 {
			continue
		}
		if s.Kind == RuntimeAuto && onlyExplicit(p) {
			continue
		}
		if rt, err := p.Open(ctx, s); err == nil {
			out = append(out, rt)
		}
	}
	return out
}

// Down stops what every runtime (Each) runs of modes' stacks and, with
// infra, what they share, saying each on w ("nothing" when nothing ran).
func (s *Stacks) Down(ctx context.Context, modes []stackmode.Mode, infra bool, w io.Writer) error {
	if _, err := s.Layout(); err != nil {
		return err
	}
	n := 0
	for _, rt := range s.Each(ctx) {
		k, err := rt.Down(ctx, modes, infra, w)
		n += k
		if err != nil {
			return err
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "nothing of flowctl's was running")
	}
	return nil
}

// Logs prints the last lines of every log every runtime (Each) keeps.
func (s *Stacks) Logs(ctx context.Context, w io.Writer, lines int) error {
	if _, err := s.Layout(); err != nil {
		return err
	}
	shown := false
	for _, rt := range s.Each(ctx) {
		some, err := rt.Logs(ctx, w, lines)
		if err != nil {
			return err
		}
		shown = shown || some
	}
	if !shown {
		fmt.Fprintln(w, "no logs: nothing has run yet (start a stack with `flowctl up --mode events`)")
	}
	return nil
}
