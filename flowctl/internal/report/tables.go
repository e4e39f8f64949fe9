package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stats"

	"github.com/orderflow/flowctl/internal/termsafe"
)

// Step is one line of `up`: the step, how long it took, what it did.
func Step(w io.Writer, s stack.Step) {
	fmt.Fprintf(w, "  %-9s %6s  %s\n", s.Name, Took(s.Took), s.Detail)
}

// Took formats a step's duration: milliseconds under a second, else seconds
// with one decimal.
func Took(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// Env writes config.Vars as an aligned table for a terminal.
func Env(w io.Writer, vars []config.Var) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tUSED BY\tMEANING")
	for _, v := range vars {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Default, v.Services, strings.ReplaceAll(v.Doc, "`", ""))
	}
	return tw.Flush()
}

// Status writes what runs.
func Status(w io.Writer, states []stack.State) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PART\tSTACK\tADDRESS\tPID\tSTATE\tNOTE")
	for _, s := range states {
		pid := "–"
		if s.PID != 0 {
			pid = fmt.Sprint(s.PID)
		}
		mode := s.Mode
		if mode == "" {
			mode = "shared"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, mode, s.Addr, pid, state(s), s.Detail)
	}
	return tw.Flush()
}

func state(s stack.State) string {
	switch {
	case s.Ours && s.Ready:
		return "ready"
	case s.Ours:
		return "running, not ready"
	case s.Ready:
		return "ready (not flowctl's)"
	default:
		return "stopped"
	}
}

// Orders writes a list of orders, newest first as order-svc returns them.
func Orders(w io.Writer, orders []api.Order) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tCUSTOMER\tITEMS\tPLACED\tTIME TO FINAL")
	for _, o := range orders {
		ttf := "–"
		if o.TimeToFinalMS != nil {
			ttf = stats.Ms(*o.TimeToFinalMS)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", termsafe.String(o.ID), termsafe.String(o.Status), termsafe.String(o.CustomerID), termsafe.String(Items(o.Items)), o.PlacedAt.Local().Format("15:04:05.000"), ttf)
	}
	return tw.Flush()
}

// Order writes one order of mode's stack in full; jaegerUI is Jaeger's UI
// base URL, "" where it has none (TraceLink).
func Order(w io.Writer, o api.Order, jaegerUI, mode string) {
	fmt.Fprintf(w, "order     %s\n", termsafe.String(o.ID))
	status := termsafe.String(o.Status)
	if !o.Final {
		status += " (not final yet)"
	}
	fmt.Fprintf(w, "status    %s\n", status)
	if o.Reason != "" {
		fmt.Fprintf(w, "reason    %s\n", termsafe.String(o.Reason))
	}
	fmt.Fprintf(w, "customer  %s\nitems     %s\n", termsafe.String(o.CustomerID), termsafe.String(Items(o.Items)))
	if o.InvoiceID != "" {
		voided := ""
		if slices.ContainsFunc(o.Timeline, func(s api.Step) bool { return s.Step == "voided" }) {
			voided = ", voided: the credit given back"
		}
		fmt.Fprintf(w, "invoice   %s (%.2f%s)\n", termsafe.String(o.InvoiceID), float64(o.TotalCents)/100, voided)
	}
	fmt.Fprintf(w, "placed    %s\n", o.PlacedAt.Local().Format(time.RFC3339Nano))
	if len(o.Timeline) > 0 {
		fmt.Fprintf(w, "timeline  %s\n", Timeline(o.Timeline))
	}
	if awaited := api.AwaitedCompensations(o); len(awaited) > 0 {
		fmt.Fprintf(w, "awaiting  %s (what it holds, still to be undone)\n", strings.Join(awaited, ", "))
	}
	if o.TimeToFinalMS != nil {
		fmt.Fprintf(w, "final in  %s\n", stats.Ms(*o.TimeToFinalMS))
	}
	if o.TraceID != "" {
		fmt.Fprintf(w, "trace     %s\n          %s\n", o.TraceID, TraceLink(jaegerUI, mode, o.ID, o.TraceID))
	}
}
