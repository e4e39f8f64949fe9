package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/load"
)

// cancelTry is one of the chaos run's customer cancels and what order-svc
// answered: 202 (cancelled, compensations follow), 200 (already
// cancelled), 409 (too late: Status is what the order ended as), or no
// answer (status 0, Err: order-svc was down; or, with order-svc as
// replicas, flowctl's balancer said the replica died with the cancel in
// flight or none was ready).
type cancelTry struct {
	ID         string
	HTTPStatus int
	Status     string
	Err        string
}

// unanswered says whether order-svc gave the cancel no answer: the cancel
// may or may not have been applied.
func (c cancelTry) unanswered() bool {
	switch c.HTTPStatus {
	case 0:
		return true
	case 502:
		return strings.Contains(c.Err, "did not answer") // the balancer's words
	case 503:
		return strings.Contains(c.Err, "no replica of this service is ready")
	}
	return false
}

// chaosRun is what the chaos test saw: the orders followed to the end, the
// cancels, and the ledger check after them.
type chaosRun struct {
	Placed  []load.Placed
	Cancels []cancelTry
	Ledger  audit.Report
}

// outcome is how an order ended, with the reason that tells the saga's
// paths apart: "CANCELLED deadline", "CANCELLED customer", "FAILED
// declined", "CONFIRMED".
func outcome(p load.Placed) string {
	s := p.Status()
	switch {
	case s == "CANCELLED":
		return s + " " + p.Order.Reason
	case s == "FAILED" && strings.Contains(p.Order.Reason, "declined"):
		return s + " declined"
	}
	return s
}

// tally counts the accepted orders by outcome and the cancels by answer
// ("202", "409", "no answer").
func (r chaosRun) tally() (accepted int, outcomes, cancels map[string]int) {
	outcomes, cancels = map[string]int{}, map[string]int{}
	for _, p := range r.Placed {
		if p.Accepted() {
			accepted++
			outcomes[outcome(p)]++
		}
	}
	for _, c := range r.Cancels {
		k := fmt.Sprint(c.HTTPStatus)
		if c.unanswered() {
			k = "no answer"
		}
		cancels[k]++
	}
	return accepted, outcomes, cancels
}

// exercised are the saga's paths the run must have taken for its verdict to
// mean anything: a clean run that never declined, timed out or cancelled
// proves nothing about compensations.
var exercised = []string{"CONFIRMED", "FAILED declined", "CANCELLED deadline", "CANCELLED customer"}

// failures are what the chaos run got wrong, one line each; none when every
// accepted order is final, each cancel's answer matches how its order ended,
// the ledger agrees over every accepted order, and every path was taken.
func (r chaosRun) failures() []string {
	var out []string
	accepted, outcomes, _ := r.tally()
	if accepted < len(r.Placed)/2 {
		out = append(out, fmt.Sprintf("only %d of %d orders were accepted: the breaks took too long to measure anything", accepted, len(r.Placed)))
	}
	final := map[string]load.Placed{}
	for _, p := range r.Placed {
		if !p.Accepted() {
			continue // refused while order-svc was down: the client knows
		}
		if !p.Order.Final {
			out = append(out, fmt.Sprintf("order %s accepted (%d) but still %s", p.Order.ID, p.HTTPStatus, p.Order.Status))
		}
		final[p.Order.ID] = p
	}
	for _, c := range r.Cancels {
		p, ok := final[c.ID]
		switch {
		case !ok || c.unanswered():
		case (c.HTTPStatus == 200 || c.HTTPStatus == 202) && p.Status() != "CANCELLED":
			out = append(out, fmt.Sprintf("order %s: cancel answered %d, yet the order ended %s", c.ID, c.HTTPStatus, outcome(p)))
		case c.HTTPStatus == 409 && p.Status() != c.Status:
			out = append(out, fmt.Sprintf("order %s: cancel refused (409) as %s, yet the order ended %s", c.ID, c.Status, outcome(p)))
		case c.HTTPStatus != 200 && c.HTTPStatus != 202 && c.HTTPStatus != 409:
			out = append(out, fmt.Sprintf("order %s: cancel answered %d (%s); an accepted order's cancel answers 200, 202 or 409", c.ID, c.HTTPStatus, c.Err))
		}
	}
	if !r.Ledger.OK() {
		out = append(out, r.Ledger.Verdict())
		for _, l := range r.Ledger.Lines() {
			out = append(out, "ledger breach: "+l)
		}
	}
	if r.Ledger.Checked.Judged < accepted {
		out = append(out, fmt.Sprintf("the ledger check judged %d final orders, fewer than the %d accepted: it did not read this run's stack", r.Ledger.Checked.Judged, accepted))
	}
	for _, path := range exercised {
		if outcomes[path] == 0 {
			out = append(out, fmt.Sprintf("no accepted order ended %s (outcomes %v): the run did not exercise that path", path, sortedCounts(outcomes)))
		}
	}
	return out
}

// sortedCounts shows counts as "A:1 B:2".
func sortedCounts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}
