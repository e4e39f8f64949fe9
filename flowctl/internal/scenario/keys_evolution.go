package scenario

// Keys of independent-evolution: a reader that joins late, and a rolling
// deploy of the two downstream services under load.
const (
	// KeyLateOrdersPct is the share of the batch placed before the reader
	// started that it found; KeyLateTransitionsPct the share of those
	// orders' steps (placed, reserved or rejected, invoiced) it saw.
	// KeyLatePastOrders and KeyLatePastSteps are those wholes.
	KeyLateOrdersPct      MetricKey = "late_reader_orders_pct"
	KeyLateTransitionsPct MetricKey = "late_reader_transitions_pct"
	KeyLatePastOrders     MetricKey = "late_reader_past_orders"
	KeyLatePastSteps      MetricKey = "late_reader_past_steps"
	// KeyLateOrdersKnown is every order it learned about, the batch's and
	// older ones.
	KeyLateOrdersKnown MetricKey = "late_reader_orders_known"
	KeyLateCatchUpMS   MetricKey = "late_reader_catch_up_ms"
	// KeyLateRequests is order-svc's API requests served while the reader
	// ran, by order-svc's own /metrics.
	KeyLateRequests MetricKey = "late_reader_order_svc_requests"
	KeyLateBytes    MetricKey = "late_reader_bytes"
	// The rolling deploy: orders placed while inventory-svc and then
	// invoicing-svc restarted, those that failed, and placement against a
	// baseline batch placed just before.
	KeyDeployFailed      MetricKey = "deploy_failed_orders"
	KeyDeployFailedPct   MetricKey = "deploy_failed_pct"
	KeyDeployOutMS       MetricKey = "deploy_out_ms"
	KeyBaselineTailMS    MetricKey = "baseline_placement_tail_ms"
	KeyBaselinePlacedN   MetricKey = "baseline_placement_n"
	KeyDeployAddedTailMS MetricKey = "deploy_added_tail_ms"
)

// evolutionKeys are what independent-evolution reports: the deploy's batch
// through outcomeOf, and its own.
var evolutionKeys = append(loadKeys[:len(loadKeys):len(loadKeys)],
	KeyLateOrdersPct, KeyLateTransitionsPct, KeyLatePastOrders, KeyLatePastSteps, KeyLateOrdersKnown, KeyLateCatchUpMS, KeyLateRequests, KeyLateBytes,
	KeyDeployFailed, KeyDeployFailedPct, KeyDeployOutMS, KeyBaselineP50MS, KeyBaselineTailMS, KeyBaselinePlacedN,
	KeyAddedLatencyMS, KeyDeployAddedTailMS)
