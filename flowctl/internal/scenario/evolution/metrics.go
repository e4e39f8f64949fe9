package evolution

import "github.com/orderflow/flowctl/internal/scenario/kit"

// The metrics of independent-evolution: a reader that joins late, and a
// rolling deploy of the two downstream services under load.
var (
	// LateOrdersPct is the share of the batch placed before the reader
	// started that it found; LateTransitionsPct the share of those orders'
	// steps (placed, reserved or rejected, invoiced) it saw. LatePastOrders
	// and LatePastSteps are those wholes.
	LateOrdersPct      = kit.MetricDef{Key: "late_reader_orders_pct", Label: "late reader: orders placed before it that it found", Short: "late reader found", Unit: kit.UnitPct}
	LateTransitionsPct = kit.MetricDef{Key: "late_reader_transitions_pct", Label: "late reader: their steps it saw (placed, reserved/rejected, invoiced)", Short: "late reader saw steps", Unit: kit.UnitPct}
	// LateFactStepsPct (events-orchestration) is the share of those steps
	// on the fact topics alone, without the orchestrator's commands and
	// reply channel.
	LateFactStepsPct = kit.MetricDef{Key: "late_reader_fact_steps_pct", Label: "late reader: their steps on the fact topics alone (no commands or replies)", Short: "steps on fact topics", Unit: kit.UnitPct}
	LatePastOrders   = kit.MetricDef{Key: "late_reader_past_orders", Label: "late reader: orders placed before it", Short: "past orders", Unit: kit.UnitOrders}
	LatePastSteps    = kit.MetricDef{Key: "late_reader_past_steps", Label: "late reader: steps those orders took", Short: "past steps", Unit: kit.UnitSteps}
	// LateOrdersKnown is every order it learned about: in events mode those
	// of this run (it reads from where the log ended before the batch).
	LateOrdersKnown = kit.MetricDef{Key: "late_reader_orders_known", Label: "late reader: orders learned about in all", Short: "orders known", Unit: kit.UnitOrders}
	LateCatchUp     = kit.MetricDef{Key: "late_reader_catch_up_ms", Label: "late reader: caught up in", Short: "late reader caught up", Unit: kit.UnitMS}
	// LateRequests is order-svc's API requests served while the reader
	// ran, by order-svc's own /metrics.
	LateRequests = kit.MetricDef{Key: "late_reader_order_svc_requests", Label: "late reader: requests order-svc served (its /metrics)", Short: "its requests to order-svc", Unit: kit.UnitRequests}
	LateBytes    = kit.MetricDef{Key: "late_reader_bytes", Label: "late reader: bytes read", Short: "bytes read", Unit: kit.UnitBytes}
	// The rolling deploy: orders placed while inventory-svc and then
	// invoicing-svc restarted, those that failed, and placement against a
	// baseline batch placed just before.
	DeployFailed    = kit.MetricDef{Key: "deploy_failed_orders", Label: "deploy: orders not CONFIRMED or REJECTED", Short: "failed in the deploy", Unit: kit.UnitOrders}
	DeployFailedPct = kit.MetricDef{Key: "deploy_failed_pct", Label: "deploy: share failed", Short: "share failed in the deploy", Unit: kit.UnitPct}
	DeployOut       = kit.MetricDef{Key: "deploy_out_ms", Label: "deploy: services out (stop → ready), summed", Short: "services out", Unit: kit.UnitMS}
	BaselineTail    = kit.MetricDef{Key: "baseline_placement_tail_ms", Label: "placement p99 before the deploy (the max below 100 samples)", Short: "baseline tail", Unit: kit.UnitMS}
	BaselinePlacedN = kit.MetricDef{Key: "baseline_placement_n", Label: "placement samples before the deploy", Short: "baseline n", Unit: kit.UnitSamples}
	DeployAddedTail = kit.MetricDef{Key: "deploy_added_tail_ms", Label: "placement p99 during the deploy − before (the max below 100 samples)", Short: "added tail", Unit: kit.UnitMS}
)
