package comparereport

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// The charts of report.html are hand-written SVG: a few paths, rects and
// texts each, small enough to read and with nothing to load. Returning them
// as template.HTML is safe because every text put into them goes through
// esc, every class through cssClass, and the rest are numbers and colours
// of our own.

// modeColor is a mode's colour from the Okabe–Ito palette, which stays
// distinguishable with the common colour-vision deficiencies: sync blue,
// events orange, any other mode the next of the palette.
func modeColor(mode string, i int) string {
	switch mode {
	case "sync":
		return "#0072B2"
	case "events":
		return "#E69F00"
	case "events-orchestration":
		return "#009E73"
	}
	others := []string{"#CC79A7", "#56B4E9", "#D55E00"}
	return others[i%len(others)]
}

// cssClass makes a mode name usable as a class: the tests and the page's CSS
// find each mode's lines and bars by it.
func cssClass(mode string) string {
	if a := anchor(mode); a != "" {
		return a
	}
	return "mode"
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// coord formats a coordinate: a tenth of a pixel is finer than any screen needs.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// ---- maths: the empirical CDF and the scales ----

// series is one mode's line or bars.
type series struct {
	Name, Class, Colour string
	// Opacity tells two series of one mode apart (p50 solid, p99 lighter).
	Opacity float64
	Values  []float64
}

// The frame every chart shares: title and legend above the plot, tick
// labels left and below.
const (
	chartTop    = 52.0
	chartLeft   = 64.0
	chartRight  = 16.0
	chartBottom = 46.0
)

// frame opens an SVG with its title and legend.
func frame(b *strings.Builder, w, h float64, title string, ss []series, legend func(series) string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s" font-size="12">`+"\n",
		coord(w), coord(h), coord(w), coord(h), esc(title))
	fmt.Fprintf(b, "<title>%s</title>\n", esc(title))
	fmt.Fprintf(b, `<text x="%s" y="18" font-size="14" font-weight="bold">%s</text>`+"\n", coord(chartLeft), esc(title))
	x := chartLeft
	for _, s := range ss {
		label := legend(s)
		fmt.Fprintf(b, `<rect class="swatch" x="%s" y="28" width="14" height="10" fill="%s" fill-opacity="%s"/>`+
			`<text x="%s" y="37">%s</text>`+"\n", coord(x), s.Colour, coord(s.Opacity), coord(x+18), esc(label))
		x += legendEntryWidth(label)
	}
}

// legendEntryWidth is an estimate of the text's width: an SVG cannot
// measure text without a script.
func legendEntryWidth(label string) float64 { return 18 + 7*float64(len([]rune(label))) + 16 }

// widthFor is w, or wider when the legend would not fit in it (three
// stacks' names do not fit in the two-stack width).
func widthFor(w float64, ss []series, legend func(series) string) float64 {
	need := chartLeft + chartRight
	for _, s := range ss {
		need += legendEntryWidth(legend(s))
	}
	return math.Max(w, need)
}

// yAxis draws the horizontal grid lines and labels of y, and the axes.
func yAxis(b *strings.Builder, y scale, w float64, label func(float64) string, title string) {
	for _, t := range y.ticks() {
		py := coord(y.at(t))
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#ddd"/>`+
			`<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			coord(chartLeft), coord(w-chartRight), py, py, coord(chartLeft-6), py, esc(label(t)))
	}
	mid := (y.from + y.to) / 2
	fmt.Fprintf(b, `<text transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text>`+"\n", coord(mid), esc(title))
	fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/>`+"\n", coord(chartLeft), coord(chartLeft), coord(y.to), coord(y.from))
	fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/>`+"\n", coord(chartLeft), coord(w-chartRight), coord(y.from), coord(y.from))
}

// cdfChart draws the empirical CDF of each series' milliseconds: how many
// orders (y) took at most x. One line per mode; "" when no series has a
// value, so the caller writes a note instead of an empty frame.
func cdfChart(title, xTitle string, ss []series) template.HTML {
	ss = slices.DeleteFunc(slices.Clone(ss), func(s series) bool { return len(s.Values) == 0 })
	if len(ss) == 0 {
		return ""
	}
	const h = 320.0
	legend := func(s series) string { return fmt.Sprintf("%s (n=%d)", s.Name, len(s.Values)) }
	w := widthFor(520, ss, legend)
	var all []float64
	for _, s := range ss {
		all = append(all, s.Values...)
	}
	x := newScale(slices.Min(all), slices.Max(all), chartLeft, w-chartRight)
	y := scale{lo: 0, hi: 1, from: h - chartBottom, to: chartTop, step: 0.25}
	if x.log {
		xTitle += " (log scale)"
	}

	var b strings.Builder
	frame(&b, w, h, title, ss, legend)
	yAxis(&b, y, w, func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }, "share of orders")
	for _, t := range x.ticks() {
		px := coord(x.at(t))
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333"/>`+
			`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n",
			px, px, coord(y.from), coord(y.from+4), px, coord(y.from+17), esc(msTick(t)))
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", coord((x.from+x.to)/2), coord(h-8), esc(xTitle))
	for _, s := range ss {
		var d strings.Builder
		fmt.Fprintf(&d, "M%s %s", coord(x.from), coord(y.at(0)))
		for _, p := range ecdf(s.Values) {
			fmt.Fprintf(&d, "L%s %s", coord(x.at(p.X)), coord(y.at(p.Y)))
		}
		// The line runs on at 100 % to the axis' end, as a CDF does.
		fmt.Fprintf(&d, "L%s %s", coord(x.to), coord(y.at(1)))
		fmt.Fprintf(&b, `<path class="%s" d="%s" fill="none" stroke="%s" stroke-width="2"><title>%s: n=%d, p50 %s, p99 %s, max %s</title></path>`+"\n",
			s.Class, d.String(), s.Colour, esc(s.Name), len(s.Values),
			esc(stats.Ms(stats.Percentile(s.Values, 50))), esc(stats.Ms(stats.Percentile(s.Values, 99))), esc(stats.Ms(slices.Max(s.Values))))
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// barChart draws grouped bars: a group per category, a bar per series, the
// value written above the bar where there is room and in the bar's tooltip
// always. A NaN is a value not measured, drawn as "–" rather than as 0.
// percent fixes the axis to 0–100 %; otherwise it is milliseconds.
func barChart(title string, cats []string, ss []series, percent bool) template.HTML {
	if len(cats) == 0 || len(ss) == 0 {
		return ""
	}
	const h = 320.0
	name := func(s series) string { return s.Name }
	w := widthFor(math.Max(480, chartLeft+chartRight+110*float64(len(cats))), ss, name)
	var y scale
	label, yTitle := msTick, "milliseconds"
	if percent {
		y = scale{lo: 0, hi: 100, from: h - chartBottom, to: chartTop, step: 20}
		label, yTitle = func(v float64) string { return fmt.Sprintf("%.0f%%", v) }, "share of orders"
	} else {
		var all []float64
		for _, s := range ss {
			all = append(all, slices.DeleteFunc(slices.Clone(s.Values), math.IsNaN)...)
		}
		if len(all) == 0 {
			return ""
		}
		y = newScale(slices.Min(all), slices.Max(all), h-chartBottom, chartTop)
		if y.log {
			yTitle += " (log scale)"
		}
	}
	value := func(v float64) string {
		if percent {
			return formatValue(scenario.Metric{Value: v, Unit: "%"})
		}
		return stats.Ms(v)
	}

	var b strings.Builder
	frame(&b, w, h, title, ss, name)
	yAxis(&b, y, w, label, yTitle)
	group := (w - chartLeft - chartRight) / float64(len(cats))
	bw := group * 0.8 / float64(len(ss))
	for i, c := range cats {
		gx := chartLeft + float64(i)*group
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="11">%s</text>`+"\n", coord(gx+group/2), coord(y.from+17), esc(c))
		for j, s := range ss {
			bx := gx + group*0.1 + float64(j)*bw
			v := math.NaN()
			if i < len(s.Values) {
				v = s.Values[i]
			}
			if math.IsNaN(v) {
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#777">–</text>`+"\n", coord(bx+bw/2), coord(y.from-4))
				continue
			}
			top := y.at(v)
			fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="%s"><title>%s, %s: %s</title></rect>`+"\n",
				s.Class, coord(bx), coord(top), coord(bw-1), coord(y.from-top), s.Colour, coord(s.Opacity), esc(c), esc(s.Name), esc(value(v)))
			if bw >= 34 {
				fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", coord(bx+bw/2), coord(top-4), esc(value(v)))
			}
		}
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// ---- which charts a report gets ----

// scenarioCharts are a scenario's CDFs of placement latency and of time to
// consistency, each when some mode has samples, and notes for what has none.
func scenarioCharts(run scenario.Run, modes []string) (charts []template.HTML, notes []string) {
	kinds := []struct {
		title, xTitle, what string
		samples             func(scenario.Outcome) []float64
	}{
		{"Placement latency", "time until the client had its answer", "placement latency",
			func(o scenario.Outcome) []float64 { return o.Placement }},
		{"Time to consistency", "time from placement until the status was final", "time to consistency",
			func(o scenario.Outcome) []float64 { return o.TimeToFinal }},
	}
	drawn := 0
	for _, k := range kinds {
		var ss []series
		var missing []string
		for i, m := range modes {
			o, ok := outcomeOf(run, m)
			if !ok {
				continue
			}
			if len(k.samples(o)) == 0 {
				missing = append(missing, stackLabel(m, modes))
				continue
			}
			ss = append(ss, series{Name: stackLabel(m, modes), Class: cssClass(m), Colour: modeColor(m, i), Opacity: 1, Values: k.samples(o)})
		}
		if len(ss) == 0 {
			continue
		}
		charts = append(charts, cdfChart(fmt.Sprintf("%s: %s", run.Scenario, k.title), k.xTitle, ss))
		drawn++
		if len(missing) > 0 {
			notes = append(notes, fmt.Sprintf("No %s samples for %s.", k.what, strings.Join(missing, " and ")))
		}
	}
	if drawn == 0 {
		notes = append(notes, "No latency samples were recorded for this scenario, so it has no charts.")
	}
	return charts, notes
}

// overviewCharts compare the scenarios: success rate under faults, and
// placement latency p50 and p99 (lighter) per mode.
func overviewCharts(r scenario.Report, modes []string) []template.HTML {
	var out []template.HTML
	if c := metricBars(r, modes, "Orders confirmed, by scenario", []barMetric{{"", kit.SuccessPct.Key}}, true); c != "" {
		out = append(out, c)
	}
	if c := metricBars(r, modes, "Placement latency p50 and p99 (lighter; the max below 100 samples)", latencyBars, false); c != "" {
		out = append(out, c)
	}
	return out
}

// latencyBars are the placement latency chart's bars.
var latencyBars = []barMetric{{" p50", kit.PlacementP50.Key}, {" p99", kit.PlacementP99.Key}}

// barMetric is one bar per mode and scenario: the metric key, and what to
// add to the mode's name in the legend.
type barMetric struct {
	suffix string
	key    scenario.MetricKey
}

// metricBars is a bar chart of the metrics over the scenarios that measured
// any of them in any mode.
func metricBars(r scenario.Report, modes []string, title string, metrics []barMetric, percent bool) template.HTML {
	var cats []string
	var runs []scenario.Run
	for _, run := range r.Runs {
		measured := func(o scenario.Outcome) bool {
			return slices.ContainsFunc(metrics, func(bm barMetric) bool { _, ok := o.Metric(bm.key); return ok })
		}
		if slices.ContainsFunc(run.Outcomes, measured) {
			cats, runs = append(cats, run.Scenario), append(runs, run)
		}
	}
	var ss []series
	for i, m := range modes {
		for j, bm := range metrics {
			s := series{Name: stackLabel(m, modes) + bm.suffix, Class: cssClass(m), Colour: modeColor(m, i), Opacity: 1 - 0.55*float64(j)}
			for _, run := range runs {
				v := math.NaN()
				if o, ok := outcomeOf(run, m); ok {
					if mt, ok := o.Metric(bm.key); ok {
						v = mt.Value
					}
				}
				s.Values = append(s.Values, v)
			}
			ss = append(ss, s)
		}
	}
	return barChart(title, cats, ss, percent)
}
