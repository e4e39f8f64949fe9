package scenario

// MetricKey names one measured number of an outcome. The report reads
// metrics by these constants, not by strings of its own, so renaming a key
// renames it on both sides and a chart cannot silently lose its data.
type MetricKey string

// Keys every load-based scenario reports (outcomeOf).
const (
	KeyOrders         MetricKey = "orders"
	KeyPlacementP50MS MetricKey = "placement_p50_ms"
	// KeyPlacementP99MS is the p99, or the max when fewer than 100 samples
	// make a p99 meaningless (the label says which; KeyPlacementN counts).
	KeyPlacementP99MS MetricKey = "placement_p99_ms"
	KeyPlacementN     MetricKey = "placement_n"
	KeyTTCP50MS       MetricKey = "ttc_p50_ms"
	KeyTTCP99MS       MetricKey = "ttc_p99_ms"
	KeyTTCN           MetricKey = "ttc_n"
	KeySuccessPct     MetricKey = "success_pct"
	KeyNotFinal       MetricKey = "not_final"
)

// Keys of the fault scenarios.
const (
	KeyAcceptedPct        MetricKey = "accepted_pct"
	KeyFailedWhileDownPct MetricKey = "failed_while_down_pct"
	KeyDownForMS          MetricKey = "down_for_ms"
	KeyBacklogEvents      MetricKey = "backlog_events"
	KeyCatchUpMS          MetricKey = "catch_up_ms"
	KeyPendingWhileDown   MetricKey = "pending_while_down"
	KeyOutboxPending      MetricKey = "outbox_pending_events"
	KeyNoticedMS          MetricKey = "noticed_after_ms"
	KeyBrokerDownMS       MetricKey = "broker_down_ms"
	KeyFirstMoveMS        MetricKey = "first_move_ms"
	KeyAddedLatencyMS     MetricKey = "added_latency_ms"
	KeyInjectedLatencyMS  MetricKey = "injected_latency_ms"
	KeyBaselineP50MS      MetricKey = "baseline_placement_p50_ms"
	KeyBaselineTTCP50MS   MetricKey = "baseline_ttc_p50_ms"
	KeyAddedTTCMS         MetricKey = "added_ttc_ms"
	KeyFollowIntervalMS   MetricKey = "follow_interval_ms"
	KeyStaleReadPct       MetricKey = "stale_read_pct"
	KeyStaleAt0MSPct      MetricKey = "stale_at_0ms_pct"
	KeyStaleAt5MSPct      MetricKey = "stale_at_5ms_pct"
	KeyStaleAt20MSPct     MetricKey = "stale_at_20ms_pct"
	KeyStaleAt100MSPct    MetricKey = "stale_at_100ms_pct"
)

// Keys of find-the-failure, replay and poison-message (their files build
// some at run time, per TRACE_PROPAGATION; these are the ones read by name).
const (
	KeyTracesChild    MetricKey = "traces_child"
	KeyTracesLink     MetricKey = "traces_link"
	KeyTracesOff      MetricKey = "traces_off"
	KeyLookupsOff     MetricKey = "lookups_off"
	KeyRecoveredMS    MetricKey = "recovered_ms"
	KeyEventsReplayed MetricKey = "events_replayed"
	KeyReplayMS       MetricKey = "replay_ms"
	KeyTotalsMatch    MetricKey = "totals_match"
	KeyAuditEvents    MetricKey = "audit_events"
	KeyDeadLetters    MetricKey = "dead_letters"
	KeyDLQMS          MetricKey = "dlq_ms"
	KeyRefusedStatus  MetricKey = "refused_status"
	KeyNextOrderTTCMS MetricKey = "next_order_ttc_ms"
)

// loadKeys are what outcomeOf reports for every load-based scenario.
var loadKeys = []MetricKey{KeyOrders, KeyPlacementP50MS, KeyPlacementP99MS, KeyPlacementN,
	KeyTTCP50MS, KeyTTCP99MS, KeyTTCN, KeySuccessPct, KeyNotFinal, KeyFollowIntervalMS}

// Produces are the metric keys each scenario reports (in some mode), for
// the report's test that every key it reads has a producer.
var Produces = map[string][]MetricKey{
	"happy-path": loadKeys,
	"downstream-down": append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyAcceptedPct, KeyFailedWhileDownPct, KeyDownForMS, KeyBacklogEvents, KeyCatchUpMS),
	"slow-downstream": append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyAddedLatencyMS, KeyInjectedLatencyMS, KeyBaselineP50MS, KeyBaselineTTCP50MS, KeyAddedTTCMS, KeyBacklogEvents),
	"read-your-writes": append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyStaleReadPct, KeyStaleAt0MSPct, KeyStaleAt5MSPct, KeyStaleAt20MSPct, KeyStaleAt100MSPct),
	"find-the-failure": {KeyTracesChild, KeyTracesLink, KeyTracesOff, "spans_child", "spans_link", "spans_off",
		"lookups_child", "lookups_link", KeyLookupsOff, KeyRecoveredMS},
	"replay": {"live_invoices", "live_total", KeyEventsReplayed, KeyReplayMS, "join_wait_ms",
		"replayed_invoices", "replayed_total", "duplicates", KeyTotalsMatch, KeyAuditEvents},
	"poison-message": {KeyRefusedStatus, KeyNextOrderTTCMS, KeyDeadLetters, KeyDLQMS},
	"broker-down": append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyAcceptedPct, KeyPendingWhileDown, KeyOutboxPending, KeyNoticedMS, KeyBrokerDownMS,
		KeyCatchUpMS, KeyFirstMoveMS),
}
