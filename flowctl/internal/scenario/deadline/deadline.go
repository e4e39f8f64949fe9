// Package deadline is the deadline scenario (the saga's timeout): events
// orders that cannot finish because inventory-svc's consumers are paused
// are cancelled by order-svc's deadline, and the reservations inventory-svc
// makes for them once it resumes are released; sync's deadline is each
// request's own timeout.
package deadline

import (
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Def is deadline.
var Def = kit.Define(kit.Spec[measured]{
	About: kit.About{
		Name: "deadline",
		Summary: "events: ORDER_DEADLINE set to 2s on order-svc and inventory-svc's consumers paused past it while orders arrive — orders cancelled by the deadline, reservations made after their cancellation and released, how long stock was held for a cancelled order; " +
			"sync (whose deadline is HTTP_CLIENT_TIMEOUT, each request's own): inventory-svc slowed above it — requests failed by the timeout, nothing left held",
		Claim: "a saga needs a timeout: with events an order that cannot finish is cancelled by its deadline and what was done for it late is undone; with sync the request's timeout is the deadline and nothing is left behind",
		Metrics: []kit.MetricDef{kit.Orders, Deadline, PausedFor, AddedLatency, CancelledByDeadline, ReservedAfterCancel, ReleasedAfterCancel,
			HeldP50, HeldTail, HeldMax, HeldN, TimedOut, StillHeld, kit.PlacementP50, kit.PlacementP99, kit.PlacementN, kit.NotFinal, kit.FollowInterval},
		Headline: []kit.MetricKey{CancelledByDeadline.Key, TimedOut.Key, ReservedAfterCancel.Key, HeldP50.Key, StillHeld.Key, kit.PlacementP50.Key},
		Answers: []kit.Answer{{Question: kit.DelayedMessage, Place: 5,
			Keys: []kit.MetricKey{CancelledByDeadline.Key, ReservedAfterCancel.Key, HeldP50.Key, TimedOut.Key}}},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, m measured) kit.Outcome {
		o := judge(mode, m)
		m.Followed.Put(&o)
		return o
	},
})

// The metrics of deadline.
var (
	Deadline            = kit.MetricDef{Key: "deadline_ms", Label: "the deadline: ORDER_DEADLINE (events) or HTTP_CLIENT_TIMEOUT (sync)", Short: "deadline", Unit: kit.UnitMS}
	PausedFor           = kit.MetricDef{Key: "consumers_paused_ms", Label: "inventory-svc's consumers paused for", Short: "paused for", Unit: kit.UnitMS}
	AddedLatency        = kit.MetricDef{Key: "deadline_added_latency_ms", Label: "latency added to inventory-svc (above HTTP_CLIENT_TIMEOUT)", Short: "slowed by", Unit: kit.UnitMS}
	CancelledByDeadline = kit.MetricDef{Key: "cancelled_by_deadline", Label: "orders CANCELLED by the deadline", Short: "cancelled by deadline", Unit: kit.UnitOrders}
	ReservedAfterCancel = kit.MetricDef{Key: "reserved_after_cancel", Label: "reservations made after their order's cancellation (created_at after the cancelled step)", Short: "reserved after cancel", Unit: kit.UnitOrders}
	ReleasedAfterCancel = kit.MetricDef{Key: "released_after_cancel", Label: "of those, released", Short: "released after cancel", Unit: kit.UnitOrders}
	HeldP50             = kit.MetricDef{Key: "cancelled_held_p50_ms", Label: "stock held for a cancelled order p50 (created_at → released_at)", Short: "held p50", Unit: kit.UnitMS, N: HeldN.Key}
	HeldTail            = kit.MetricDef{Key: "cancelled_held_p99_ms", Label: "stock held for a cancelled order p99 (the max below 100 samples)", Short: "held", Unit: kit.UnitMS, N: HeldN.Key, Tail: true}
	HeldMax             = kit.MetricDef{Key: "cancelled_held_max_ms", Label: "stock held for a cancelled order max", Short: "held max", Unit: kit.UnitMS}
	HeldN               = kit.MetricDef{Key: "cancelled_held_n", Label: "cancelled orders' released reservations", Short: "held n", Unit: kit.UnitSamples}
	TimedOut            = kit.MetricDef{Key: "timed_out", Label: "requests failed by the timeout (FAILED, the reason names it)", Short: "timed out", Unit: kit.UnitOrders}
	StillHeld           = kit.MetricDef{Key: "ended_still_held", Label: "reservations still holding stock for an order that ended otherwise than CONFIRMED", Short: "still held", Unit: kit.UnitOrders}
)

// measured is what one mode's run measured: the batch followed to the end,
// the deadline it ran against, how the stack was held back, and the
// orders' reservation rows once they held nothing any more.
type measured struct {
	Res      load.Result
	Deadline time.Duration
	// PausedFor (events) is how long inventory-svc's consumers were paused;
	// Latency (sync) the latency fault inventory-svc ran with.
	PausedFor, Latency time.Duration
	Rows               kit.Rows
	Followed           kit.Followed
}
