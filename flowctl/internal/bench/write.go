package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/comparereport"
)

// The files a bench writes into its report directory.
const (
	ResultJSON = "bench.json"
	ChartSVG   = "bench.svg"
	TableMD    = "bench.md"
)

// WriteReport writes bench.json (the whole result), bench.svg (rate → p99
// time to consistency per mode, the baselines' ceilings as reference lines)
// and bench.md (the table) into dir and returns their paths.
func WriteReport(dir string, r Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", ResultJSON, err)
	}
	jsonPath, svgPath := filepath.Join(dir, ResultJSON), filepath.Join(dir, ChartSVG)
	if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(svgPath, []byte(Chart(r)), 0o644); err != nil {
		return nil, err
	}
	var md strings.Builder
	Markdown(&md, r)
	mdPath := filepath.Join(dir, TableMD)
	if err := os.WriteFile(mdPath, []byte(md.String()), 0o644); err != nil {
		return nil, err
	}
	return []string{jsonPath, svgPath, mdPath}, nil
}

// Chart is the result's SVG chart.
func Chart(r Result) string {
	var lines []comparereport.BenchLine
	var refs []comparereport.BenchRef
	for _, t := range r.Targets {
		if t.Baseline {
			at := ""
			if t.Ceiling.ReachedMax {
				at = "≥ " // still sustainable at its --baseline-max
			}
			refs = append(refs, comparereport.BenchRef{Label: fmt.Sprintf("%s ceiling %s%g %s", t.Name, at, t.Ceiling.Max, t.Unit), Rate: t.Ceiling.Max})
			continue
		}
		l := comparereport.BenchLine{Name: t.Name}
		// Bisections come after the step past the ceiling; a line drawn in
		// search order would double back. A retry keeps its place after the
		// try it repeats.
		steps := slices.Clone(t.Ceiling.Steps)
		slices.SortStableFunc(steps, func(a, b Step) int { return cmp.Compare(a.Rate, b.Rate) })
		for _, s := range steps {
			if s.Latency.N > 0 {
				l.Points = append(l.Points, comparereport.BenchPoint{Rate: s.Rate, P99MS: s.Latency.P99, Sustainable: s.Sustainable})
			}
		}
		lines = append(lines, l)
	}
	return comparereport.BenchChart("Ceiling search: p99 time to consistency by rate", r.Config.P99BoundMS, lines, refs)
}
