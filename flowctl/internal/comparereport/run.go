package comparereport

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Setup is what `flowctl compare` sets.
type Setup struct {
	// From, when set, is a recorded results.json to render again: nothing
	// runs and the report goes under Out like a new run's (not beside the
	// recording: docs/runs holds what the docs quote, and stays as recorded).
	From string
	// Names are the scenarios to run ("all": every one).
	Names []string
	// Modes are the stacks to run them on, a column each (none: all three).
	Modes []stackmode.Mode
	// Out is where the report goes, <Out>/<start time>/: relative to the
	// repository root unless absolute.
	Out string
	// Scenarios size the scenarios and bring the stacks up; their
	// Up.Progress gets each scenario's verdict too.
	Scenarios scenario.Setup
}

// Compare is `flowctl compare`: it runs the scenarios against each stack in
// turn (or reads a recorded run) and writes the report. It returns the
// results and the files written.
func Compare(ctx context.Context, s *stack.Stacks, set Setup) (scenario.Report, []string, error) {
	rep, dir, err := results(ctx, s, set)
	if dir == "" {
		return rep, nil, err
	}
	return writeResults(dir, rep, err)
}

// writeResults writes the report of rep into dir. After runErr, the error
// of the scenario that stopped the run, it writes the report of the
// scenarios that ran before it and says where: a run of many minutes is not
// lost to its last scenario.
func writeResults(dir string, rep scenario.Report, runErr error) (scenario.Report, []string, error) {
	files, err := WriteCompare(dir, rep)
	switch {
	case err != nil && runErr != nil:
		return rep, nil, fmt.Errorf("%w (and its partial report could not be written: %v)", runErr, err)
	case err != nil:
		return rep, nil, fmt.Errorf("write the report: %w", err)
	case runErr != nil:
		return rep, files, fmt.Errorf("%w (the %d scenarios that ran before it are in %s)", runErr, len(rep.Runs), dir)
	}
	return rep, files, nil
}

// results are the recorded or new results and the directory their report
// goes to; after a scenario's error, the results before it, their
// directory ("" when none ran) and the error.
func results(ctx context.Context, s *stack.Stacks, set Setup) (scenario.Report, string, error) {
	if set.From != "" {
		r, err := ReadReport(set.From)
		if err != nil {
			return r, "", fmt.Errorf("--from: %w (use a results.json that compare or `scenario --json` wrote)", err)
		}
		dir, err := reportDir(s, set.Out, r, filepath.Base(filepath.Dir(set.From)))
		return r, dir, err
	}
	scs, err := scenario.Lookup(set.Names)
	if err != nil {
		return scenario.Report{}, "", fmt.Errorf("--scenarios: %w", err)
	}
	if err := set.Scenarios.Check(); err != nil {
		return scenario.Report{}, "", err
	}
	progress := set.Scenarios.Up.Progress
	rep, err := scenario.RunOnStacks(ctx, s, scs, set.stacks(), set.Scenarios, func(r scenario.Run) {
		for _, l := range verdictLines(r, reportModes(scenario.Report{Runs: []scenario.Run{r}})) {
			fmt.Fprintf(progress, "  ⇒ %s\n", l.Text)
		}
	})
	if err != nil && len(rep.Runs) == 0 {
		return rep, "", err
	}
	dir, dirErr := reportDir(s, set.Out, rep, "")
	if dirErr != nil {
		return rep, "", errors.Join(err, dirErr)
	}
	return rep, dir, err
}

// stacks are the stacks to run on: Modes, or all three.
func (set Setup) stacks() []stackmode.Mode {
	if len(set.Modes) == 0 {
		return stackmode.All
	}
	return set.Modes
}

// reportDir is <out>/<the run's start time> (out "" is reports/, relative
// to the repository root unless absolute); a recording without a start time
// goes under the name of the directory it was read from.
func reportDir(s *stack.Stacks, out string, rep scenario.Report, name string) (string, error) {
	if out == "" {
		out = "reports"
	}
	if !filepath.IsAbs(out) {
		l, err := s.Layout()
		if err != nil {
			return "", err
		}
		out = filepath.Join(l.Root, out)
	}
	if !rep.Started.IsZero() || name == "" {
		name = rep.Started.Local().Format("20060102-150405")
	}
	return filepath.Join(out, name), nil
}
