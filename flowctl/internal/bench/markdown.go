package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Markdown writes Print's table as a Markdown table (a column per target),
// then the ratios, for docs/runs and pull requests.
func Markdown(w io.Writer, r Result) {
	fmt.Fprintf(w, "# flowctl bench, %s (%s)\n\n", r.Started.Format("2006-01-02 15:04 MST"), r.Runtime)
	rows := slices.Concat(ceilingRows(r), latencyRows(), resourceRows(r))
	for i, row := range rows {
		cells := []string{row.label}
		for _, t := range r.Targets {
			cells = append(cells, mdCell(row.cell(t)))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		if i == 0 {
			fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(cells)))
		}
	}
	if ratios := Ratios(r); len(ratios) > 0 {
		fmt.Fprintln(w)
		for _, l := range ratios {
			fmt.Fprintf(w, "- %s\n", l)
		}
	}
}

// mdCell keeps a cell inside its column.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
