package comparereport

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestBenchChart(t *testing.T) {
	lines := []BenchLine{
		{"sync", []BenchPoint{{50, 20, true}, {100, 40, true}, {200, 3000, false}}},
		{"events", []BenchPoint{{50, 80, true}, {100, 900, true}}},
	}
	tests := []struct {
		name       string
		lines      []BenchLine
		refs       []BenchRef
		circles    int
		hollow     int
		references int
	}{
		{"modes and baselines", lines, []BenchRef{{"kafka 3-hop ≥ 6400 events/s", 6400}, {"http 3-hop 1600 requests/s", 1600}}, 5, 1, 2},
		{"a baseline without a ceiling draws no line", lines, []BenchRef{{"kafka 3-hop", 0}}, 5, 1, 0},
		{"nothing measured still draws a frame", nil, nil, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := BenchChart("Ceilings", 1000, tt.lines, tt.refs)
			d := xml.NewDecoder(strings.NewReader(svg))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("not well-formed XML: %v\n%s", err, svg)
				}
			}
			if got := strings.Count(svg, "<circle "); got != tt.circles {
				t.Errorf("%d points, want %d", got, tt.circles)
			}
			if got := strings.Count(svg, `fill="#fff"`); got != tt.hollow {
				t.Errorf("%d hollow points, want %d", got, tt.hollow)
			}
			if got := strings.Count(svg, `class="baseline"`); got != tt.references {
				t.Errorf("%d reference lines, want %d", got, tt.references)
			}
			for _, r := range tt.refs {
				if r.Rate > 0 && !strings.Contains(svg, r.Label) {
					t.Errorf("no label %q", r.Label)
				}
			}
			if !strings.Contains(svg, `xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(svg, "p99 bound 1.00 s") {
				t.Errorf("no namespace or no bound line:\n%s", svg)
			}
		})
	}
}
