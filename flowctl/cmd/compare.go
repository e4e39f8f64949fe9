package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/comparereport"
	"github.com/orderflow/flowctl/internal/scenario"
)

const compareLong = `compare brings both stacks up, runs the chosen scenarios against sync and then
events mode, prints the summary table and writes a report under --out/<time>/:
report.md, report.html (self-contained, SVG charts of the latency
distribution per mode, time to consistency and success rate under faults) and
results.json, the recorded results.

  flowctl compare                                  every scenario
  flowctl compare --scenarios happy-path,downstream-down --orders 20
  flowctl compare --from reports/20261126-041500/results.json   render again`

type compareFlags struct {
	scenarioFlags
	names     []string
	out, from string
}

func newCompareCmd(g *globals) *cobra.Command {
	f := &compareFlags{}
	c := &cobra.Command{
		Use:   "compare [--scenarios a,b|all] [--out reports]",
		Short: "Run scenarios against both modes and write a report (Markdown + HTML with charts)",
		Long:  compareLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCompare(c, g, f)
		},
	}
	f.register(c)
	c.Flags().StringSliceVar(&f.names, "scenarios", []string{"all"}, "scenarios to run, comma-separated, or all")
	c.Flags().StringVar(&f.out, "out", "reports", "directory the report goes under (relative to the repository root)")
	c.Flags().StringVar(&f.from, "from", "", "render the report again from a recorded results.json; runs nothing")
	return c
}

func runCompare(c *cobra.Command, g *globals, f *compareFlags) error {
	var rep scenario.Report
	dir := ""
	if f.from != "" {
		r, err := comparereport.ReadReport(f.from)
		if err != nil {
			return fmt.Errorf("--from: %w (use a results.json that compare or `scenario --json` wrote)", err)
		}
		rep, dir = r, filepath.Dir(f.from)
	} else {
		scs, err := scenario.Lookup(f.names)
		if err != nil {
			return fmt.Errorf("--scenarios: %w", err)
		}
		if err := f.check(); err != nil {
			return err
		}
		progress := g.env.Stdout
		if f.asJSON {
			progress = g.env.Stderr
		}
		modes := []config.Mode{config.ModeSync, config.ModeEvents}
		rep, err = runScenarios(c.Context(), g, &f.scenarioFlags, scs, modes, progress, func(r scenario.Run) {
			fmt.Fprintf(progress, "  ⇒ %s\n", r.Verdict())
		})
		if err != nil {
			return err
		}
		l, err := g.layout()
		if err != nil {
			return err
		}
		if !filepath.IsAbs(f.out) {
			f.out = filepath.Join(l.Root, f.out)
		}
		dir = filepath.Join(f.out, rep.Started.Local().Format("20060102-150405"))
	}
	files, err := comparereport.WriteCompare(dir, rep)
	if err != nil {
		return fmt.Errorf("write the report: %w", err)
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
