package dualwrite

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
)

// The rounds of dual-write: "outbox" and "direct" (ORDER_PUBLISH) in events
// mode, "sync" in sync mode.
const (
	RoundOutbox = "outbox"
	RoundDirect = "direct"
	RoundSync   = "sync"
)

// rounds are every round, and what a label calls each.
var (
	rounds = []string{RoundOutbox, RoundDirect, RoundSync}
	what   = map[string]string{RoundOutbox: "outbox", RoundDirect: "direct publish", RoundSync: "sync"}
)

// perRound is a metric per round ("stuck_pending_direct"), labelled
// "direct publish: label", short "short (direct)".
func perRound(prefix kit.MetricKey, label, short string, unit kit.Unit) kit.Family {
	return kit.Family{Prefix: prefix, Members: rounds, Of: func(r string) kit.MetricDef {
		return kit.MetricDef{Label: what[r] + ": " + label, Short: fmt.Sprintf("%s (%s)", short, r), Unit: unit}
	}}
}

// The metrics of dual-write: one of each per round.
var (
	Attempts  = perRound("attempts_", "orders attempted", "attempted", kit.UnitOrders)
	Crashed   = perRound("crashed_", "order-svc crashed (1: did not answer after the batch)", "crashed", kit.UnitYesNo)
	NoAnswer  = perRound("no_answer_", "requests without an answer (the crash, then order-svc down)", "no answer", kit.UnitOrders)
	Committed = perRound("committed_", "orders committed (listed by order-svc after the restart)", "committed", kit.UnitOrders)
	NotFinal  = perRound("committed_not_final_", "committed orders not final at the end", "not final", kit.UnitOrders)
	// Stuck counts committed orders lost: no OrderPlaced for them in
	// orders.v1 and none left in order-svc's outbox (events: PENDING until
	// ORDER_DEADLINE cancels them, or cancelled by it already), or not final
	// after the restart with no process left to move them (sync).
	Stuck = kit.Family{Prefix: "stuck_pending_", Members: rounds, Of: func(r string) kit.MetricDef {
		d := kit.MetricDef{Label: what[r] + ": never announced (no OrderPlaced in orders.v1, none in the outbox): PENDING until the deadline cancels it",
			Short: map[string]string{RoundOutbox: "lost (outbox)", RoundDirect: "lost (dual write)", RoundSync: "left PENDING"}[r], Unit: kit.UnitOrders}
		if r == RoundSync {
			d.Label = what[r] + fmt.Sprintf(": not final %s after the restart (nothing left to move them)", syncSettle)
		}
		return d
	}}
	// StuckTold2xx counts the stuck orders whose client was answered 2xx
	// (told accepted or confirmed).
	StuckTold2xx = perRound("stuck_told_2xx_", "of those, told 2xx", "stuck, told 2xx", kit.UnitOrders)
)

func metrics() []kit.MetricDef {
	var out []kit.MetricDef
	for _, f := range []kit.Family{Attempts, Crashed, NoAnswer, Committed, NotFinal, Stuck, StuckTold2xx} {
		out = append(out, f.Defs()...)
	}
	return out
}
