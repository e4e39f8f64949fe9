package report

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// DemoSummary is the demo's closing numbers.
type DemoSummary struct {
	Orders   int            `json:"orders"`
	ByStatus map[string]int `json:"by_status"`
	// Placement is how long each POST /orders took, as the client saw it.
	Placement stats.Summary `json:"placement_ms"`
	// TimeToFinal is, per order, how long after placement its status was
	// final (the service's own timestamps).
	TimeToFinal stats.Summary `json:"time_to_final_ms"`
	NotFinal    int           `json:"not_final"`
	Meaning     string        `json:"meaning"`
}

// Meaning is the one sentence that says what the numbers mean for a mode.
func Meaning(mode string) string {
	if stackmode.Mode(mode).Kafka() {
		return mode + ": the client was answered at once (202 PENDING) and the status became true later, " +
			"when the events came back — placement latency is the answer, time to consistency is when the answer stopped being provisional."
	}
	return "sync: the client waited for everything — order-svc answered only after inventory-svc and invoicing-svc had, " +
		"so the status was final in the answer and placement latency is roughly the time to consistency."
}

// SummarizeDemo computes the summary of a run.
func SummarizeDemo(r scenario.DemoResult) DemoSummary {
	s := DemoSummary{Orders: len(r.Orders), ByStatus: map[string]int{}, Meaning: Meaning(r.Mode)}
	var placed, final []float64
	for _, o := range r.Orders {
		placed = append(placed, o.PlacementMS)
		status := string(o.Order.Status)
		if status == "" {
			status = "NOT PLACED"
		}
		s.ByStatus[status]++
		if !o.Order.Final {
			s.NotFinal++
		}
		// Only a CONFIRMED order became consistent; a REJECTED one is final
		// at once and would flatter the numbers (ByStatus counts it).
		if status == "CONFIRMED" && o.Order.TimeToFinalMS != nil {
			final = append(final, *o.Order.TimeToFinalMS)
		}
	}
	s.Placement, s.TimeToFinal = stats.Summarize(placed), stats.Summarize(final)
	return s
}

// DemoJSON is what `demo --json` prints.
type DemoJSON struct {
	scenario.DemoResult
	Summary DemoSummary `json:"summary"`
}

// ShortID is the first block of a UUID: enough to tell the demo's orders apart
// (and `flowctl order get` accepts it).
func ShortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// Items formats order lines as "SKU-001×2, SKU-003×1".
func Items(lines []api.Line) string {
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		parts = append(parts, fmt.Sprintf("%s×%d", l.SKU, l.Qty))
	}
	return strings.Join(parts, ", ")
}

// Timeline formats an order's steps as "placed +0ms → reserved +12ms → …".
func Timeline(steps []api.Step) string {
	parts := make([]string, 0, len(steps))
	for _, s := range steps {
		parts = append(parts, string(s.Step)+" "+After(s.AfterMS))
	}
	return strings.Join(parts, " → ")
}

// Placed is the live line printed as each order is placed.
func Placed(w io.Writer, o scenario.OrderResult) {
	fmt.Fprintf(w, "  #%-2d %-8s  %d %-10s %9s  %s\n", o.N, ShortID(o.Order.ID), o.HTTPStatus, http.StatusText(o.HTTPStatus), stats.Ms(o.PlacementMS), Items(o.Request.Items))
}

// Demo writes the per-order blocks and the summary.
func Demo(w io.Writer, r scenario.DemoResult, s DemoSummary) {
	for _, o := range r.Orders {
		fmt.Fprintf(w, "\n#%d  %s  %s  %s\n", o.N, ShortID(o.Order.ID), o.Request.CustomerID, Items(o.Request.Items))
		outcome := string(o.Order.Status)
		switch {
		case o.Order.ID == "":
			outcome = "not placed: " + o.Problem
		case !o.Order.Final:
			outcome += " (still not final when the demo stopped waiting)"
		case o.Order.TimeToFinalMS != nil:
			outcome += fmt.Sprintf(" after %s", stats.Ms(*o.Order.TimeToFinalMS))
		}
		if o.Order.Reason != "" {
			outcome += " — " + o.Order.Reason
		}
		fmt.Fprintf(w, "    POST /orders → %d %s in %s; final status %s\n", o.HTTPStatus, http.StatusText(o.HTTPStatus), stats.Ms(o.PlacementMS), outcome)
		if len(o.Order.Timeline) > 0 {
			fmt.Fprintf(w, "    timeline  %s\n", Timeline(o.Order.Timeline))
		}
		switch {
		case o.Order.TraceID == "":
		case !r.Jaeger:
			fmt.Fprintf(w, "    trace     %s\n", o.Order.TraceID)
		default:
			spans := "not in Jaeger yet"
			if o.Trace != nil {
				spans = fmt.Sprintf("%d spans from %s", o.Trace.Spans, strings.Join(o.Trace.Services, ", "))
			}
			fmt.Fprintf(w, "    trace     %s: %s\n", o.Order.TraceID, spans)
			if r.JaegerUI {
				fmt.Fprintf(w, "              UI  %s\n", o.TraceURL)
			} else {
				fmt.Fprintf(w, "              see flowctl trace %s --mode %s\n", ShortID(o.Order.ID), r.Mode)
			}
			fmt.Fprintf(w, "              API %s\n", o.TraceAPIURL)
		}
	}
	fmt.Fprintf(w, "\nSummary: %s mode, %d orders\n", r.Mode, s.Orders)
	var counts []string
	for _, st := range slices.Sorted(maps.Keys(s.ByStatus)) {
		counts = append(counts, fmt.Sprintf("%s %d", st, s.ByStatus[st]))
	}
	fmt.Fprintf(w, "  final status         %s\n", strings.Join(counts, " · "))
	fmt.Fprintf(w, "  placement latency    p50 %s · max %s (n=%d)   (how long the client waited for its answer)\n", stats.Ms(s.Placement.P50), stats.Ms(s.Placement.Max), s.Placement.N)
	if s.TimeToFinal.N > 0 {
		fmt.Fprintf(w, "  time to consistency  p50 %s · max %s (n=%d CONFIRMED)   (from placement until the status was final)\n", stats.Ms(s.TimeToFinal.P50), stats.Ms(s.TimeToFinal.Max), s.TimeToFinal.N)
	}
	if s.NotFinal > 0 {
		fmt.Fprintf(w, "  %d order(s) were not final when the demo stopped waiting\n", s.NotFinal)
	}
	if !r.Jaeger {
		fmt.Fprintln(w, "  traces               Jaeger is off (--no-jaeger): run without it to see each order's trace")
	}
	fmt.Fprintf(w, "  %s\n", s.Meaning)
}

// After formats a timeline offset as "+Nms", compact enough for one line.
func After(ms float64) string {
	switch {
	case ms == 0:
		return "+0ms"
	case ms < 10:
		return fmt.Sprintf("+%.1fms", ms)
	case ms < 10000:
		return fmt.Sprintf("+%.0fms", ms)
	default:
		return fmt.Sprintf("+%.1fs", ms/1000)
	}
}

// DemoFooter closes the demo: the stack keeps running, and where its traces
// are; flowctl is the command as typed from the repository root
// (stack.Stacks.Command).
func DemoFooter(w io.Writer, r scenario.DemoResult, flowctl string) {
	fmt.Fprintln(w)
	switch {
	case r.JaegerUI:
		fmt.Fprintf(w, "The %s stack keeps running: browse the traces at %s; `%s down` stops everything.\n", r.Mode, stack.JaegerUI, flowctl)
		return
	case r.Jaeger:
		fmt.Fprintf(w, "The %s stack keeps running: see an order's trace with `%s trace <order id> --mode %s` or in `%s dashboard` (click an order); `%s down` stops everything.\n", r.Mode, flowctl, r.Mode, flowctl, flowctl)
		return
	}
	fmt.Fprintf(w, "The %s stack keeps running; `%s down` stops everything.\n", r.Mode, flowctl)
}

// TraceLink is where to open an order's trace: its page in Jaeger's UI
// (jaegerUI, its base URL, is "" where there is none: natively), else the
// command that draws it.
func TraceLink(jaegerUI, mode, orderID, traceID string) string {
	if jaegerUI != "" {
		return jaegerUI + "/trace/" + traceID
	}
	return fmt.Sprintf("see it: flowctl trace --mode %s %s (or click the order in flowctl dashboard)", mode, ShortID(orderID))
}

// TraceHint says where to see an order's trace again: Jaeger's UI where it
// answers (Docker), else `flowctl trace` and the dashboard's trace view
// (natively Jaeger serves only a placeholder page).
func TraceHint(jaegerUI bool, flowctl, mode, orderID, traceID string) string {
	if jaegerUI {
		return fmt.Sprintf("In Jaeger: %s/trace/%s", stack.JaegerUI, traceID)
	}
	return fmt.Sprintf("Again later: `%s trace %s --mode %s`, or click the order in `%s dashboard`.", flowctl, orderID, mode, flowctl)
}
