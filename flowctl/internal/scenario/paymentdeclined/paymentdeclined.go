// Package paymentdeclined is the payment-declined scenario: half the
// batch's customers have no credit left, with scarce stock. Sync tells them
// at once; events accept their orders, hold stock for them until the
// decline comes back, and fail them later.
package paymentdeclined

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stockup"
)

// Def is payment-declined.
var Def = kit.Define(kit.Spec[declined]{
	About: kit.About{
		Name: "payment-declined",
		Summary: "half the customers over their credit limit (set to 0 for the run), " + kit.ScarceSKU + " on hand for the other half: " +
			"sync tells them FAILED (402) in the answer; events accept, hold stock until the decline comes back, then fail — how long stock was held, how long until FAILED, and how many paying orders were rejected meanwhile",
		Claim: "a late failure costs more with events: the customer is told accepted and learns later, and a doomed order holds stock others needed until the compensation runs; sync tells at once",
		Metrics: []kit.MetricDef{ScarceUnits, kit.Orders, Doomed, DeclinedInAnswer, AcceptedThenFailed, PayingConfirmed,
			HeldP50, HeldTail, HeldN, FailedP50, FailedTail, FailedN, RejectedWhileHeld, StillHeld, kit.NotFinal, kit.FollowInterval},
		Headline: []kit.MetricKey{AcceptedThenFailed.Key, DeclinedInAnswer.Key, HeldP50.Key, RejectedWhileHeld.Key, FailedP50.Key},
		Answers: []kit.Answer{
			{Question: kit.Consistency, Place: 4, Keys: []kit.MetricKey{AcceptedThenFailed.Key, DeclinedInAnswer.Key, FailedP50.Key}},
			{Question: kit.DelayedMessage, Place: 6, Keys: []kit.MetricKey{HeldP50.Key, RejectedWhileHeld.Key}},
		},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, m declined) kit.Outcome {
		o := judge(mode, m)
		m.Followed.Put(&o)
		return o
	},
})

// The metrics of payment-declined.
var (
	ScarceUnits        = kit.MetricDef{Key: "declined_scarce_units", Label: kit.ScarceSKU + " on hand before the batch (one unit per paying customer)", Short: "on hand", Unit: kit.UnitUnits}
	Doomed             = kit.MetricDef{Key: "doomed_orders", Label: "orders of customers over their limit (credit limit 0)", Short: "doomed", Unit: kit.UnitOrders}
	DeclinedInAnswer   = kit.MetricDef{Key: "declined_in_answer", Label: "doomed orders told FAILED in the answer itself (402)", Short: "declined in the answer", Unit: kit.UnitOrders}
	AcceptedThenFailed = kit.MetricDef{Key: "accepted_then_failed", Label: "doomed orders told accepted (2xx), FAILED later", Short: "accepted, then failed", Unit: kit.UnitOrders}
	PayingConfirmed    = kit.MetricDef{Key: "paying_confirmed", Label: "orders of paying customers CONFIRMED", Short: "paying confirmed", Unit: kit.UnitOrders}
	HeldP50            = kit.MetricDef{Key: "doomed_held_p50_ms", Label: "stock held for a doomed order p50 (reservation created_at to released_at)", Short: "held p50", Unit: kit.UnitMS, N: HeldN.Key}
	HeldTail           = kit.MetricDef{Key: "doomed_held_p99_ms", Label: "stock held for a doomed order p99 (the max below 100 samples)", Short: "held", Unit: kit.UnitMS, N: HeldN.Key, Tail: true}
	HeldN              = kit.MetricDef{Key: "doomed_held_n", Label: "doomed orders' released reservations", Short: "held n", Unit: kit.UnitSamples}
	FailedP50          = kit.MetricDef{Key: "failed_after_p50_ms", Label: "placed → FAILED p50 (doomed orders)", Short: "FAILED after p50", Unit: kit.UnitMS, N: FailedN.Key}
	FailedTail         = kit.MetricDef{Key: "failed_after_p99_ms", Label: "placed → FAILED p99 (the max below 100 samples)", Short: "FAILED after", Unit: kit.UnitMS, N: FailedN.Key, Tail: true}
	FailedN            = kit.MetricDef{Key: "failed_after_n", Label: "doomed orders that ended FAILED", Short: "FAILED n", Unit: kit.UnitSamples}
	// RejectedWhileHeld counts paying orders REJECTED for stock at a moment
	// (inventory-svc's rejection row's created_at) that lies within a
	// doomed order's hold (its reservation's created_at to released_at).
	RejectedWhileHeld = kit.MetricDef{Key: "rejected_while_doomed_held", Label: "paying orders REJECTED while a doomed order held stock (rejection time within a doomed reservation's created_at → released_at)", Short: "rejected while held", Unit: kit.UnitOrders}
	StillHeld         = kit.MetricDef{Key: "doomed_still_held", Label: "doomed orders' reservations still holding stock at the end", Short: "still held", Unit: kit.UnitOrders}
)

// declined is what one mode's run measured: the batch, what each order's
// answer said, which orders were doomed, and every order's reservation rows
// once the doomed ones hold nothing any more.
type declined struct {
	Res      load.Result
	Answered []string
	Doomed   []bool
	Units    int
	Rows     kit.Rows
	Followed kit.Followed
}

// doomed says whether the i-th order's customer is over the limit: every
// other one, so doomed and paying orders interleave on the scarce SKU.
func doomed(i int) bool { return i%2 == 0 }

// run sets the doomed customers' limits to 0, makes kit.ScarceSKU exactly
// enough for the paying customers, places one unit per order, follows the
// orders to the end and reads their reservations once the doomed ones
// hold nothing (events releases them after the decline).
func run(ctx context.Context, e *kit.Env, t kit.Target) (declined, error) {
	n := e.Size.Orders
	if n < 4 {
		return declined{}, fmt.Errorf("payment-declined needs at least 4 orders (--orders %d): half doomed, half paying", n)
	}
	runID := uuid.NewString()[:8]
	customer := func(i int) string {
		if doomed(i) {
			return fmt.Sprintf("pd-%s-broke-%03d", runID, i)
		}
		return fmt.Sprintf("pd-%s-pays-%03d", runID, i)
	}
	m := declined{Doomed: make([]bool, n)}
	for i := range n {
		m.Doomed[i] = doomed(i)
		if !m.Doomed[i] {
			m.Units++
			continue
		}
		if _, err := t.Invoicing.SetCreditLimit(ctx, customer(i), 0); err != nil {
			return declined{}, fmt.Errorf("payment-declined: credit limit of %s: %w", customer(i), err)
		}
	}
	e.Step("  %d customers' credit limit set to 0 (pd-%s-broke-…)", n-m.Units, runID)
	if err := e.Stock(ctx, t, "payment-declined", stockup.Plan{Exactly: map[string]int{kit.ScarceSKU: m.Units}}); err != nil {
		return declined{}, err
	}
	req := func(i int) api.PlaceRequest {
		return api.PlaceRequest{CustomerID: customer(i), Items: []api.Line{{SKU: kit.ScarceSKU, Qty: 1}}}
	}
	e.Step("  placing %d orders of 1 × %s at %g/s, every other one doomed, against %d on hand", n, kit.ScarceSKU, e.Size.Rate, m.Units)
	res, err := e.Place(ctx, t, "payment-declined", n, e.Size.Rate, req)
	if err != nil {
		return declined{}, err
	}
	m.Answered = make([]string, len(res.Orders))
	for i, p := range res.Orders {
		m.Answered[i] = p.Status()
	}
	if m.Followed, err = e.Follow(ctx, t, "payment-declined", &res); err != nil {
		return declined{}, err
	}
	m.Res = res
	m.Rows, err = rowsOf(ctx, e, t, m)
	return m, err
}

// rowsOf reads every order's reservation rows, waiting for the doomed
// orders' to hold nothing (in events, FAILED is known only after the
// release, so this waits only for an order the follow left not final).
func rowsOf(ctx context.Context, e *kit.Env, t kit.Target, m declined) (kit.Rows, error) {
	var doomedIDs, others []string
	for i, p := range m.Res.Orders {
		switch {
		case !p.HasID():
		case m.Doomed[i]:
			doomedIDs = append(doomedIDs, p.Order.ID)
		default:
			others = append(others, p.Order.ID)
		}
	}
	rows, _, err := e.ReservationsOf(ctx, t, doomedIDs, kit.HoldsNothing)
	if err != nil {
		return nil, err
	}
	rest, _, err := e.ReservationsOf(ctx, t, others, nil)
	for id, rs := range rest {
		rows[id] = rs
	}
	return rows, err
}
