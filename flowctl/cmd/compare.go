package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/flowctl/internal/comparereport"
)

const compareLong = `compare brings the stacks up (--mode all: sync, events and
events-orchestration), runs the chosen scenarios against each in turn, prints
the summary table and writes a report under --out/<time>/ with a column per
stack: report.md, report.html (self-contained, SVG charts of the latency
distribution per stack, time to consistency and success rate under faults) and
results.json, the recorded results.

  flowctl compare                                  every scenario, three stacks
  flowctl compare --mode both                      sync and events only
  flowctl compare --scenarios happy-path,downstream-down --orders 20
  flowctl compare --from reports/20261126-041500/results.json   render again`

type compareFlags struct {
	scenarioFlags
	names           []string
	out, from, mode string
}

func newCompareCmd(g *globals) *cobra.Command {
	f := &compareFlags{}
	c := &cobra.Command{
		Use:   "compare [--mode all|both|…] [--scenarios a,b|all] [--out reports]",
		Short: "Run scenarios against every stack and write a report (Markdown + HTML with charts)",
		Long:  compareLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCompare(c, g, f)
		},
	}
	f.register(c)
	c.Flags().StringVar(&f.mode, "mode", "all", "stacks to run on: all (sync, events, events-orchestration), both (sync and events) or one")
	c.Flags().StringSliceVar(&f.names, "scenarios", []string{"all"}, "scenarios to run, comma-separated, or all")
	c.Flags().StringVar(&f.out, "out", "reports", "directory the report goes under (relative to the repository root)")
	c.Flags().StringVar(&f.from, "from", "", "render the report again from a recorded results.json, under --out/<its start time>/; runs nothing")
	return c
}

func runCompare(c *cobra.Command, g *globals, f *compareFlags) error {
	modes, err := parseModes(f.mode)
	if err != nil {
		return err // it names --mode and what to use
	}
	if f.from == "" { // --from renders a recorded run and touches no stack
		lease, err := g.hold(c, modes, f.wait)
		if err != nil {
			return err
		}
		defer lease.Release()
	}
	rep, files, err := comparereport.Compare(c.Context(), g.stacks, comparereport.Setup{
		From: f.from, Names: f.names, Modes: modes, Out: f.out, Scenarios: f.setup(g, g.progress(f.asJSON)),
	})
	if err != nil {
		return err
	}
	if f.asJSON {
		return printJSON(g.env.Stdout, rep)
	}
	w := g.env.Stdout
	fmt.Fprintln(w)
	comparereport.CompareTable(w, rep)
	fmt.Fprintf(w, "\nreport: %s\n", strings.Join(files, ", "))
	return nil
}
