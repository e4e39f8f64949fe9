package addastep

import "github.com/orderflow/flowctl/internal/scenario/kit"

// The metrics of add-a-step. "before" and "after" are the same batch size
// on the same stack, without and with the fraud check.
var (
	Orders           = kit.MetricDef{Key: "step_orders", Label: "orders per batch (before, after and with fraud-svc down)", Short: "orders", Unit: kit.UnitOrders}
	ConfirmedBefore  = kit.MetricDef{Key: "step_confirmed_before", Label: "orders CONFIRMED before the step joined", Short: "confirmed before", Unit: kit.UnitSamples}
	ConfirmedAfter   = kit.MetricDef{Key: "step_confirmed_after", Label: "orders CONFIRMED after the step joined", Short: "confirmed after", Unit: kit.UnitSamples}
	TTCBefore        = kit.MetricDef{Key: "step_ttc_p50_before_ms", Label: "time to consistency p50 before (placed → CONFIRMED)", Short: "consistent p50 before", Unit: kit.UnitMS, N: ConfirmedBefore.Key}
	TTCAfter         = kit.MetricDef{Key: "step_ttc_p50_after_ms", Label: "time to consistency p50 after (placed → CONFIRMED)", Short: "consistent p50 after", Unit: kit.UnitMS, N: ConfirmedAfter.Key}
	PlacedBefore     = kit.MetricDef{Key: "step_placement_p50_before_ms", Label: "placement latency p50 before (the client's wait)", Short: "answer p50 before", Unit: kit.UnitMS, N: Orders.Key}
	PlacedAfter      = kit.MetricDef{Key: "step_placement_p50_after_ms", Label: "placement latency p50 after", Short: "answer p50 after", Unit: kit.UnitMS, N: Orders.Key}
	PlacedTailBefore = kit.MetricDef{Key: "step_placement_p95_before_ms", Label: "placement latency p95 before (the max below 20 samples)", Short: "answer p95 before", Unit: kit.UnitMS, N: Orders.Key}
	PlacedTailAfter  = kit.MetricDef{Key: "step_placement_p95_after_ms", Label: "placement latency p95 after (the max below 20 samples)", Short: "answer p95 after", Unit: kit.UnitMS, N: Orders.Key}
	AddedLatency     = kit.MetricDef{Key: "step_added_latency_p50_ms", Label: "placement latency p50 after minus before: what the new call adds to the client's wait", Short: "added to the answer", Unit: kit.UnitMS, N: Orders.Key}
	MsgsBefore       = kit.MetricDef{Key: "step_messages_per_order_before", Label: "messages per order before (records on the stack's topics keyed by the batch's orders, ÷ orders)", Short: "messages/order before", Unit: kit.UnitEvents}
	MsgsAfter        = kit.MetricDef{Key: "step_messages_per_order_after", Label: "messages per order after", Short: "messages/order after", Unit: kit.UnitEvents}
	SpansBefore      = kit.MetricDef{Key: "step_trace_spans_before", Label: "spans of one order's trace before (Jaeger)", Short: "spans before", Unit: kit.UnitSpans}
	SpansAfter       = kit.MetricDef{Key: "step_trace_spans_after", Label: "spans of one order's trace after", Short: "spans after", Unit: kit.UnitSpans}
	TracesBefore     = kit.MetricDef{Key: "step_trace_traces_before", Label: "traces holding one order's spans before", Short: "traces before", Unit: kit.UnitTraces}
	TracesAfter      = kit.MetricDef{Key: "step_trace_traces_after", Label: "traces holding one order's spans after", Short: "traces after", Unit: kit.UnitTraces}
	ServicesBefore   = kit.MetricDef{Key: "step_trace_services_before", Label: "services in one order's trace before", Short: "services in the trace before", Unit: kit.UnitComponents}
	ServicesAfter    = kit.MetricDef{Key: "step_trace_services_after", Label: "services in one order's trace after", Short: "services in the trace after", Unit: kit.UnitComponents}
	Restarted        = kit.MetricDef{Key: "step_services_restarted", Label: "running services the change restarted (a new process or container id)", Short: "restarted", Unit: kit.UnitComponents}
	Started          = kit.MetricDef{Key: "step_services_started", Label: "services the change started (not running before)", Short: "started", Unit: kit.UnitComponents}
	Designed         = kit.MetricDef{Key: "step_services_by_design", Label: "services the topology says the change touches (started + restarted)", Short: "touched by design", Unit: kit.UnitComponents}
	TopicsAdded      = kit.MetricDef{Key: "step_topics_added", Label: "topics that appeared on the broker with the change (the stack's prefix)", Short: "topics added", Unit: kit.UnitTopics}
	GroupsAdded      = kit.MetricDef{Key: "step_groups_added", Label: "consumer groups that appeared on the broker with the change", Short: "groups added", Unit: kit.UnitGroups}
	ChangeTook       = kit.MetricDef{Key: "step_change_ms", Label: "the change, from the first stop to the last service ready", Short: "change took", Unit: kit.UnitMS}
	DownFailed       = kit.MetricDef{Key: "step_down_failed_pct", Label: "orders placed with fraud-svc stopped that failed in the answer (non-2xx)", Short: "failed while fraud-svc down", Unit: kit.UnitPct}
	DownAccepted     = kit.MetricDef{Key: "step_down_accepted", Label: "orders placed with fraud-svc stopped that were accepted (2xx)", Short: "accepted while down", Unit: kit.UnitOrders}
	DownWaiting      = kit.MetricDef{Key: "step_down_waiting", Label: "accepted orders not final while fraud-svc was stopped (read just before its restart)", Short: "waiting while down", Unit: kit.UnitOrders}
	DownCompleted    = kit.MetricDef{Key: "step_down_completed", Label: "orders placed with fraud-svc stopped that ended CONFIRMED once it was back", Short: "completed once back", Unit: kit.UnitOrders}
)

func metricDefs() []kit.MetricDef {
	return []kit.MetricDef{Orders, ConfirmedBefore, ConfirmedAfter, TTCBefore, TTCAfter, PlacedBefore, PlacedAfter,
		PlacedTailBefore, PlacedTailAfter, AddedLatency, MsgsBefore, MsgsAfter, SpansBefore, SpansAfter,
		TracesBefore, TracesAfter, ServicesBefore, ServicesAfter, Restarted, Started, Designed, TopicsAdded,
		GroupsAdded, ChangeTook, DownFailed, DownAccepted, DownWaiting, DownCompleted, kit.NotFinal, kit.FollowInterval}
}
