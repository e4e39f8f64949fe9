// Package cancelrace is the cancel-race scenario: customers cancel their
// orders at random moments within the usual time to consistency. In events
// a cancel can win (the compensations follow over Kafka); in sync the id
// is known only once the order is final, so every cancel is too late.
package cancelrace

import (
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Def is cancel-race.
var Def = kit.Define(kit.Spec[raced]{
	About: kit.About{
		Name: "cancel-race",
		Summary: "each customer cancels (POST /orders/{id}/cancel) at a random moment (seeded; the seed is printed) between its answer and the usual time to consistency, measured first on a small baseline batch: " +
			"cancels that won (CANCELLED), too late (409), compensations that ran (released, voided); sync knows the id only once the order is final, so every cancel is late",
		Claim: "with events a customer can still cancel an order after it was accepted, and the compensations undo what was done; with sync the answer comes when it is all over, so a cancel is always too late",
		Metrics: []kit.MetricDef{kit.Orders, Window, Sent, Won, TooLate, CancelErrors, WonPct, Released, Voided, Awaited,
			kit.NotFinal, kit.FollowInterval},
		Headline: []kit.MetricKey{Won.Key, TooLate.Key, Released.Key, Voided.Key},
		Answers: []kit.Answer{
			{Question: kit.Consistency, Place: 5, Keys: []kit.MetricKey{Won.Key, TooLate.Key, Window.Key}},
			{Question: kit.DelayedMessage, Place: 7, Keys: []kit.MetricKey{Released.Key, Voided.Key, Awaited.Key}},
		},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, m raced) kit.Outcome {
		o := judge(mode, m)
		m.Followed.Put(&o)
		return o
	},
})

// The metrics of cancel-race.
var (
	Window       = kit.MetricDef{Key: "cancel_window_ms", Label: "cancels sent within (the baseline's time to consistency p50)", Short: "cancel window", Unit: kit.UnitMS}
	Sent         = kit.MetricDef{Key: "cancels_sent", Label: "cancels sent", Short: "cancels", Unit: kit.UnitOrders}
	Won          = kit.MetricDef{Key: "cancels_won", Label: "cancels that won (202/200: the order CANCELLED)", Short: "cancels won", Unit: kit.UnitOrders}
	TooLate      = kit.MetricDef{Key: "cancels_too_late", Label: "cancels too late (409: the order was final)", Short: "too late (409)", Unit: kit.UnitOrders}
	CancelErrors = kit.MetricDef{Key: "cancel_errors", Label: "cancels answered otherwise (an error)", Short: "cancel errors", Unit: kit.UnitOrders}
	WonPct       = kit.MetricDef{Key: "cancels_won_pct", Label: "share of cancels that won", Short: "won", Unit: kit.UnitPct}
	Released     = kit.MetricDef{Key: "compensations_released", Label: "reservations released for cancelled orders (released steps)", Short: "released", Unit: kit.UnitOrders}
	Voided       = kit.MetricDef{Key: "compensations_voided", Label: "invoices voided for cancelled orders (voided steps)", Short: "voided", Unit: kit.UnitOrders}
	Awaited      = kit.MetricDef{Key: "compensations_awaited", Label: "cancelled orders still awaiting a release or a void at the end", Short: "awaited", Unit: kit.UnitOrders}
)

// cancel is what one order's cancel did: when it was sent (after the
// answer to the placement) and what order-svc answered.
type cancel struct {
	Sent       bool
	After      time.Duration
	HTTPStatus int
	Err        string
}

// raced is what one mode's run measured: the batch (followed until the
// cancelled orders' compensations were in), each order's cancel, the
// window the cancels were drawn from and the seed that drew them.
type raced struct {
	Res      load.Result
	Cancels  []cancel
	Window   time.Duration
	Seed     uint64
	Followed kit.Followed
}
