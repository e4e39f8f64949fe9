package comparereport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/stats"
)

// BenchPoint is one step of a ceiling search: its rate and p99 latency.
type BenchPoint struct {
	Rate, P99MS float64
	Sustainable bool
}

// BenchLine is one mode's steps.
type BenchLine struct {
	Name   string
	Points []BenchPoint
}

// BenchRef is a baseline's ceiling, drawn as a vertical reference line
// with its label.
type BenchRef struct {
	Label string
	Rate  float64
}

// BenchChart is a standalone SVG document: rate (log scale) against p99 time
// to consistency per mode, a filled dot per sustainable step and a hollow
// one per step past the ceiling, the p99 bound as a horizontal line and each
// baseline's ceiling as a dashed vertical one. The x axis is logarithmic
// because the steps are (each a factor above the last) and the baselines
// can sit an order of magnitude above the modes.
func BenchChart(title string, bound float64, lines []BenchLine, refs []BenchRef) string {
	const w, h = 720.0, 400.0
	var rates, lats []float64
	for _, l := range lines {
		for _, p := range l.Points {
			rates, lats = append(rates, p.Rate), append(lats, p.P99MS)
		}
	}
	for _, r := range refs {
		if r.Rate > 0 {
			rates = append(rates, r.Rate)
		}
	}
	lats = slices.DeleteFunc(append(lats, bound), func(v float64) bool { return math.IsNaN(v) || v <= 0 })
	if len(rates) == 0 || len(lats) == 0 {
		rates, lats = []float64{1, 10}, []float64{1, 10}
	}
	// Log scales need a span: one decade either side of a lone value.
	x := logScale(slices.Min(rates), slices.Max(rates), chartLeft, w-chartRight)
	y := newScale(slices.Min(lats), slices.Max(lats), h-chartBottom, chartTop)

	ss := make([]series, 0, len(lines))
	for i, l := range lines {
		ss = append(ss, series{Name: l.Name, Class: cssClass(l.Name), Colour: modeColor(l.Name, i), Opacity: 1})
	}
	var f strings.Builder
	frame(&f, w, h, title, ss, func(s series) string { return s.Name })
	var b strings.Builder
	// frame writes no namespace (report.html inlines its charts); a file needs one.
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(strings.Replace(f.String(), "<svg ", `<svg xmlns="http://www.w3.org/2000/svg" `, 1))
	yTitle := "p99 time to consistency"
	if y.log {
		yTitle += " (log)"
	}
	yAxis(&b, y, w, msTick, yTitle)
	for _, t := range x.ticks() {
		px := coord(x.at(t))
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/><text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n",
			px, px, coord(y.from), coord(y.from+4), px, coord(y.from+17), strconv.FormatFloat(t, 'g', 6, 64))
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">rate per second (log scale)</text>`+"\n", coord((x.from+x.to)/2), coord(h-8))
	by := coord(y.at(bound))
	fmt.Fprintf(&b, `<line class="bound" x1="%s" x2="%s" y1="%s" y2="%s" stroke="#C00" stroke-dasharray="2 3"/><text x="%s" y="%s" text-anchor="end" fill="#C00">p99 bound %s</text>`+"\n",
		coord(x.from), coord(x.to), by, by, coord(x.to-4), coord(y.at(bound)-4), esc(stats.Ms(bound)))
	for i, r := range refs {
		if r.Rate <= 0 {
			continue
		}
		px := coord(x.at(r.Rate))
		fmt.Fprintf(&b, `<line class="baseline" x1="%s" x2="%s" y1="%s" y2="%s" stroke="#555" stroke-dasharray="6 4"/><text x="%s" y="%s" text-anchor="end" fill="#555">%s</text>`+"\n",
			px, px, coord(y.from), coord(y.to), coord(x.at(r.Rate)-4), coord(y.to+14+14*float64(i)), esc(r.Label))
	}
	for i, l := range lines {
		colour, class := modeColor(l.Name, i), cssClass(l.Name)
		var d strings.Builder
		for j, p := range l.Points {
			cmd := "L"
			if j == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, coord(x.at(p.Rate)), coord(y.at(p.P99MS)))
		}
		fmt.Fprintf(&b, `<path class="%s" d="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", class, d.String(), colour)
		for _, p := range l.Points {
			fill, note := colour, ""
			if !p.Sustainable {
				fill, note = "#fff", " (not sustainable)"
			}
			fmt.Fprintf(&b, `<circle class="%s" cx="%s" cy="%s" r="4" fill="%s" stroke="%s"><title>%s at %s/s: p99 %s%s</title></circle>`+"\n",
				class, coord(x.at(p.Rate)), coord(y.at(p.P99MS)), fill, colour, esc(l.Name),
				esc(strconv.FormatFloat(p.Rate, 'g', 6, 64)), esc(stats.Ms(p.P99MS)), note)
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// logScale is a log10 axis from the decade at or below lo to the one at or
// above hi, at least one decade wide.
func logScale(lo, hi, from, to float64) scale {
	l := math.Pow(10, math.Floor(math.Log10(lo)))
	u := math.Pow(10, math.Ceil(math.Log10(hi)))
	if u <= l {
		u = l * 10
	}
	return scale{lo: l, hi: u, from: from, to: to, log: true}
}
