package comparereport

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

// Setup is what `flowctl compare` sets.
type Setup struct {
	// From, when set, is a recorded results.json to render again: nothing
	// runs and the report goes beside it.
	From string
	// Names are the scenarios to run ("all": every one).
	Names []string
	// Out is where the report goes, <Out>/<start time>/: relative to the
	// repository root unless absolute.
	Out string
	// Scenarios size the scenarios and bring the stacks up; their
	// Up.Progress gets each scenario's verdict too.
	Scenarios scenario.Setup
}

// Compare is `flowctl compare`: it runs the scenarios against sync and then
// events mode (or reads a recorded run) and writes the report. It returns
// the results and the files written.
func Compare(ctx context.Context, s *stack.Stacks, set Setup) (scenario.Report, []string, error) {
	rep, dir, err := results(ctx, s, set)
	if err != nil {
		return rep, nil, err
	}
	files, err := WriteCompare(dir, rep)
	if err != nil {
		return rep, nil, fmt.Errorf("write the report: %w", err)
	}
	return rep, files, nil
}

// results are the recorded or new results and the directory their report
// goes to.
func results(ctx context.Context, s *stack.Stacks, set Setup) (scenario.Report, string, error) {
	if set.From != "" {
		r, err := ReadReport(set.From)
		if err != nil {
			return r, "", fmt.Errorf("--from: %w (use a results.json that compare or `scenario --json` wrote)", err)
		}
		return r, filepath.Dir(set.From), nil
	}
	scs, err := scenario.Lookup(set.Names)
	if err != nil {
		return scenario.Report{}, "", fmt.Errorf("--scenarios: %w", err)
	}
	if err := set.Scenarios.Check(); err != nil {
		return scenario.Report{}, "", err
	}
	progress := set.Scenarios.Up.Progress
	modes := []config.Mode{config.ModeSync, config.ModeEvents}
	rep, err := scenario.RunOnStacks(ctx, s, scs, modes, set.Scenarios, func(r scenario.Run) {
		fmt.Fprintf(progress, "  ⇒ %s\n", r.Verdict())
	})
	if err != nil {
		return rep, "", err
	}
	l, err := s.Layout()
	if err != nil {
		return rep, "", err
	}
	out := set.Out
	if !filepath.IsAbs(out) {
		out = filepath.Join(l.Root, out)
	}
	return rep, filepath.Join(out, rep.Started.Local().Format("20060102-150405")), nil
}
