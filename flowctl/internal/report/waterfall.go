package report

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/termsafe"
)

const (
	ansiRed   = "\x1b[31m"
	ansiDim   = "\x1b[2m"
	ansiReset = "\x1b[0m"
)

// waterfallRow is one span placed in the tree.
type waterfallRow struct {
	span  *api.Span
	depth int
	// viaLink says the span hangs under the span it links to (another trace)
	// rather than under its parent.
	viaLink bool
}

// Waterfall prints the order's spans as a tree on a time axis: one line per
// span with its offset from the first span, its duration, its service, its
// name indented by depth and a bar width characters wide. Spans of linked
// traces hang under the span they link to (marked ↪); traces nothing joins
// start at the left. Consumer lines say how long the event waited in Kafka;
// error spans are marked ✗ (red with color). A summary line closes it.
func Waterfall(w io.Writer, inv investigate.Investigation, width int, color bool) {
	fmt.Fprintf(w, "order %s", inv.OrderID)
	if inv.Mode != "" {
		fmt.Fprintf(w, " (%s)", inv.Mode)
	}
	fmt.Fprintf(w, ": %s; %s\n", termsafe.String(inv.HowFound), plural(inv.Lookups, "lookup"))
	if len(inv.AllSpans) == 0 {
		return
	}
	wf := newWaterfall(inv, max(width, 10), color)
	fmt.Fprintln(w, wf.header())
	for _, r := range wf.rows {
		fmt.Fprintln(w, wf.line(r))
	}
	fmt.Fprintln(w, wf.summary())
	for _, l := range wf.retriesSummary() {
		fmt.Fprintln(w, l)
	}
}

// waterfall is one drawing: the rows, the time axis (t0 to t0+total, width
// characters) and the columns' widths.
type waterfall struct {
	inv         investigate.Investigation
	rows        []waterfallRow
	t0          time.Time
	total       time.Duration
	width       int
	color       bool
	waits       map[api.SpanRef]investigate.KafkaHop // by consumer span
	traceCol    bool                                 // with several traces, say which span is in which
	retries     retryRows
	svcW, nameW int
}

func newWaterfall(inv investigate.Investigation, width int, color bool) waterfall {
	retries := newRetryRows(inv.Retries)
	wf := waterfall{inv: inv, rows: retries.without(waterfallRows(inv.AllSpans)), retries: retries, t0: inv.AllSpans[0].Start, width: width, color: color,
		waits: map[api.SpanRef]investigate.KafkaHop{}, traceCol: len(inv.TraceIDs) > 1, svcW: len("service"), nameW: len("span")}
	t1 := wf.t0
	for _, s := range inv.AllSpans {
		if s.End.After(t1) {
			t1 = s.End
		}
	}
	wf.total = t1.Sub(wf.t0)
	for _, h := range inv.Hops {
		wf.waits[h.Consumer] = h
	}
	for _, r := range wf.rows {
		wf.svcW = max(wf.svcW, utf8.RuneCountInString(termsafe.String(investigate.ShortService(r.span.Service))))
		wf.nameW = max(wf.nameW, utf8.RuneCountInString(rowName(r)))
	}
	return wf
}

// header names the columns and marks the time axis.
func (wf waterfall) header() string {
	h := fmt.Sprintf("%8s %9s  ", "start", "took")
	if wf.traceCol {
		h += fmt.Sprintf("%-8s  ", "trace")
	}
	h += fmt.Sprintf("%-*s  %-*s  │%s│", wf.svcW, "service", wf.nameW, "span", axis(wf.total, wf.width))
	return strings.TrimRight(h, " ")
}

// line is one span: when it started and took, where, its bar and notes.
func (wf waterfall) line(r waterfallRow) string {
	s := r.span
	line := fmt.Sprintf("%8s %9s  ", After(ms(s.Start.Sub(wf.t0))), stats.Ms(ms(s.Duration())))
	if wf.traceCol {
		line += fmt.Sprintf("%-8s  ", s.TraceID[:min(8, len(s.TraceID))])
	}
	line += pad(termsafe.String(investigate.ShortService(s.Service)), wf.svcW) + "  " + pad(rowName(r), wf.nameW) + "  │" +
		bar(s.Start.Sub(wf.t0), s.End.Sub(wf.t0), wf.total, wf.width) + "│"
	isFailure := wf.inv.Failure != nil && wf.inv.Failure.Ref() == s.Ref()
	if notes := wf.notes(s, isFailure); len(notes) > 0 {
		line += " " + strings.Join(notes, "; ")
	}
	retried, isRetry := wf.retries.first[s.Ref()]
	if wf.color && isRetry && retried.Succeeded != nil && !isFailure {
		line = ansiDim + line + ansiReset // made good later: not the story
	} else if wf.color && (s.Error || isFailure) {
		line = ansiRed + line + ansiReset
	}
	return line
}

// notes are what a span's line says after its bar: its wait in Kafka, its
// error, whether it is the failure.
func (wf waterfall) notes(s *api.Span, isFailure bool) []string {
	var notes []string
	if h, ok := wf.waits[s.Ref()]; ok {
		notes = append(notes, fmt.Sprintf("waited %s in Kafka", stats.Ms(h.WaitMS)))
	}
	if r, ok := wf.retries.first[s.Ref()]; ok {
		notes = append(notes, wf.retryNote(r))
	} else if s.Error {
		notes = append(notes, "✗ error")
		if s.StatusMessage != "" {
			notes[len(notes)-1] += ": " + termsafe.String(investigate.CollapseRepeats(s.StatusMessage))
		}
	}
	if isFailure {
		notes = append(notes, "◀ "+termsafe.String(failureVerb(wf.inv.FailureText)))
	}
	return notes
}

// summary closes the drawing: the total, traces, spans, time in Kafka and
// the failure.
func (wf waterfall) summary() string {
	inv := wf.inv
	sum := fmt.Sprintf("total %s · %s, %s", stats.Ms(ms(wf.total)), plural(inv.Traces, "trace"), plural(inv.Spans, "span"))
	if len(inv.Hops) > 0 { // sync mode has none: saying "0 ms in Kafka" would suggest it had
		sum += fmt.Sprintf(" · %s waiting in Kafka (%s)", stats.Ms(inv.KafkaWaitMS), plural(len(inv.Hops), "hop"))
	}
	if inv.FailureText != "" {
		f := termsafe.String(inv.FailureText)
		if wf.color {
			f = ansiRed + f + ansiReset
		}
		sum += " · " + f
	}
	return sum
}

// waterfallRows orders the spans depth-first: each span under its parent, a
// linked trace's root under the span it links to, children by start time.
func waterfallRows(spans []api.Span) []waterfallRow {
	byRef := make(map[api.SpanRef]int, len(spans))
	for i, s := range spans {
		byRef[s.Ref()] = i
	}
	children := map[int][]int{}
	viaLink := map[int]bool{}
	var roots []int
	for i, s := range spans { // spans are sorted, so children come out sorted
		if p, ok := byRef[api.SpanRef{TraceID: s.TraceID, SpanID: s.ParentID}]; ok && s.ParentID != "" {
			children[p] = append(children[p], i)
			continue
		}
		placed := false
		for _, l := range s.Links {
			if p, ok := byRef[l]; ok && p != i {
				children[p] = append(children[p], i)
				viaLink[i], placed = true, true
				break
			}
		}
		if !placed {
			roots = append(roots, i)
		}
	}
	rows := make([]waterfallRow, 0, len(spans))
	seen := make([]bool, len(spans))
	var walk func(i, depth int)
	walk = func(i, depth int) {
		if seen[i] { // links could form a cycle in broken data; print each span once
			return
		}
		seen[i] = true
		rows = append(rows, waterfallRow{span: &spans[i], depth: depth, viaLink: viaLink[i]})
		for _, c := range children[i] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	for i := range spans { // spans caught in a cycle have no root: still print them
		walk(i, 0)
	}
	return rows
}

func rowName(r waterfallRow) string {
	prefix := strings.Repeat("  ", r.depth)
	if r.viaLink {
		prefix += "↪ "
	}
	return prefix + termsafe.String(spanName(*r.span))
}

// spanName is the span's name; an HTTP client span, which OpenTelemetry names
// only "HTTP POST", also gets the path it called, so sync calls read as what
// they asked for.
func spanName(s api.Span) string {
	if s.Kind != "client" || strings.Contains(s.Name, "/") {
		return termsafe.String(s.Name)
	}
	if u, err := url.Parse(s.Attrs["url.full"]); err == nil && u.Path != "" {
		return termsafe.String(s.Name + " " + u.Path)
	}
	return termsafe.String(s.Name)
}

// bar draws [from, to) of total on width cells in eighths of a cell. Ends
// that fall inside a cell use the partial blocks; a span too short to cover
// an eighth still gets a thin mark, so every span is visible.
func bar(from, to, total time.Duration, width int) string {
	cells := width * 8
	a, b := 0, cells
	if total > 0 {
		a = int(int64(cells) * int64(from) / int64(total))
		b = int((int64(cells)*int64(to) + int64(total) - 1) / int64(total))
	}
	a = min(max(a, 0), cells-1)
	b = min(max(b, a+1), cells)
	left := []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"}
	var sb strings.Builder
	for c := range width {
		lo, hi := max(a, c*8), min(b, c*8+8)
		switch n := hi - lo; {
		case n <= 0:
			sb.WriteByte(' ')
		case n == 8:
			sb.WriteString("█")
		case lo == c*8: // covers the cell's left part
			sb.WriteString(left[n])
		case n >= 4: // covers the right part: only halves and eighths exist
			sb.WriteString("▐")
		default:
			sb.WriteString("▕")
		}
	}
	return sb.String()
}

// axis labels the time axis: 0 at the left, the total at the right.
func axis(total time.Duration, width int) string {
	right := stats.Ms(ms(total))
	if utf8.RuneCountInString(right)+2 > width {
		return strings.Repeat(" ", width)
	}
	return "0" + strings.Repeat(" ", width-1-utf8.RuneCountInString(right)) + right
}

func failureVerb(text string) string {
	verb, _, _ := strings.Cut(text, " in ")
	return verb + " here"
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-utf8.RuneCountInString(s)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
