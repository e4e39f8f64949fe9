package main

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/load"
)

// cleanChaosRun is a chaos run that took every path and whose ledger
// agrees: one order per outcome, one refused while order-svc was down, a
// cancel that won, one too late, one unanswered and one the balancer
// answered 502 for (its replica died with the cancel in flight).
func cleanChaosRun() chaosRun {
	ended := func(id, status, reason string) load.Placed {
		return load.Placed{HTTPStatus: 202, Order: api.Order{ID: id, Status: api.OrderStatus(status), Reason: reason, Final: true}}
	}
	return chaosRun{
		Placed: []load.Placed{
			ended("o-confirmed", "CONFIRMED", ""),
			ended("o-declined", "FAILED", "payment declined: declined by the payment provider (fault decline_rate)"),
			ended("o-deadline", "CANCELLED", "deadline"),
			ended("o-customer", "CANCELLED", "customer"),
			{Err: "connection refused"},
		},
		Cancels: []cancelTry{
			{ID: "o-customer", HTTPStatus: 202},
			{ID: "o-confirmed", HTTPStatus: 409, Status: "CONFIRMED"},
			{ID: "o-declined", Err: "connection refused"},
			{ID: "o-deadline", HTTPStatus: 502, Err: "POST /orders/o-deadline/cancel: 502 Bad Gateway: replica 127.0.0.1:9081 did not answer: EOF"},
		},
		Ledger: audit.Report{Mode: "events", Checked: audit.Counts{Judged: 4}},
	}
}

func TestChaosVerdictPassesACleanRun(t *testing.T) {
	if f := cleanChaosRun().failures(); len(f) != 0 {
		t.Fatalf("failures on a clean run: %q", f)
	}
}

// TestChaosVerdictFailsEachWay spoils a clean run in one way each: the
// chaos test's final assertion must catch every one (it fails if a check
// is removed).
func TestChaosVerdictFailsEachWay(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(r *chaosRun)
		want  string
	}{
		{"a ledger breach", func(r *chaosRun) {
			r.Ledger.Breaches = []audit.Breach{{Kind: audit.EndedStillHeld, OrderID: "o-deadline", What: "CANCELLED (deadline), yet reservation r-1 still holds 2 units"}}
		}, "ledger breach: order o-deadline: CANCELLED (deadline), yet reservation r-1 still holds 2 units"},
		{"an accepted order not final", func(r *chaosRun) {
			r.Placed = append(r.Placed, load.Placed{HTTPStatus: 202, Order: api.Order{ID: "o-stuck", Status: "RESERVED"}})
			r.Ledger.Checked.Judged = 5
		}, "order o-stuck accepted (202) but still RESERVED"},
		{"a cancel that won, the order confirmed", func(r *chaosRun) {
			r.Cancels = append(r.Cancels, cancelTry{ID: "o-confirmed", HTTPStatus: 202})
		}, "order o-confirmed: cancel answered 202, yet the order ended CONFIRMED"},
		{"a cancel too late, the order cancelled", func(r *chaosRun) {
			r.Cancels = append(r.Cancels, cancelTry{ID: "o-deadline", HTTPStatus: 409, Status: "CONFIRMED"})
		}, "order o-deadline: cancel refused (409) as CONFIRMED, yet the order ended CANCELLED deadline"},
		{"a cancel answered 502 by order-svc, not the balancer", func(r *chaosRun) {
			r.Cancels = append(r.Cancels, cancelTry{ID: "o-customer", HTTPStatus: 502, Err: "upstream broke"})
		}, "order o-customer: cancel answered 502 (upstream broke)"},
		{"a cancel answered 404", func(r *chaosRun) {
			r.Cancels = append(r.Cancels, cancelTry{ID: "o-customer", HTTPStatus: 404, Err: "order not found"})
		}, "order o-customer: cancel answered 404 (order not found)"},
		{"no payment declined", func(r *chaosRun) {
			r.Placed = r.Placed[2:]
			r.Placed = append(r.Placed, load.Placed{HTTPStatus: 202, Order: api.Order{ID: "o-2", Status: "CONFIRMED", Final: true}})
			r.Cancels = nil
		}, "no accepted order ended FAILED declined"},
		{"no deadline fired", func(r *chaosRun) { r.Placed[2].Order.Reason = "customer" }, "no accepted order ended CANCELLED deadline"},
		{"the ledger check read another stack", func(r *chaosRun) { r.Ledger.Checked.Judged = 1 }, "judged 1 final orders, fewer than the 4 accepted"},
		{"most orders refused", func(r *chaosRun) {
			for range 5 {
				r.Placed = append(r.Placed, load.Placed{Err: "connection refused"})
			}
		}, "only 4 of 10 orders were accepted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cleanChaosRun()
			c.spoil(&r)
			f := r.failures()
			if !strings.Contains(strings.Join(f, "\n"), c.want) {
				t.Fatalf("failures %q lack %q", f, c.want)
			}
		})
	}
}
