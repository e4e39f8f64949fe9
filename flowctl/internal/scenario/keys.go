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

// Keys of find-the-failure: one of each per TRACE_PROPAGATION (PerPropagation).
const (
	KeyTracesPrefix       MetricKey = "traces_"
	KeySpansPrefix        MetricKey = "spans_"
	KeyLookupsPrefix      MetricKey = "lookups_"
	KeySearchesPrefix     MetricKey = "searches_"
	KeyTracesOpenedPrefix MetricKey = "traces_opened_"
	KeySpansReadPrefix    MetricKey = "spans_read_"
	KeyRecoveredMS        MetricKey = "recovered_ms"
)

// PerPropagation is prefix's key for one TRACE_PROPAGATION ("lookups_off").
func PerPropagation(prefix MetricKey, p string) MetricKey { return prefix + MetricKey(p) }

// The per-propagation keys the report reads by name.
var (
	KeyTracesChild = PerPropagation(KeyTracesPrefix, "child")
	KeyTracesLink  = PerPropagation(KeyTracesPrefix, "link")
	KeyTracesOff   = PerPropagation(KeyTracesPrefix, "off")
	KeyLookupsOff  = PerPropagation(KeyLookupsPrefix, "off")
)

// Keys of replay.
const (
	KeyLiveInvoices     MetricKey = "live_invoices"
	KeyLiveTotal        MetricKey = "live_total"
	KeyEventsReplayed   MetricKey = "events_replayed"
	KeyReplayMS         MetricKey = "replay_ms"
	KeyJoinWaitMS       MetricKey = "join_wait_ms"
	KeyModelOrders      MetricKey = "model_orders"
	KeySKUHours         MetricKey = "sku_hours"
	KeyReplayedInvoices MetricKey = "replayed_invoices"
	KeyReplayedTotal    MetricKey = "replayed_total"
	KeyTotalsMatch      MetricKey = "totals_match"
	KeyLiveAgree        MetricKey = "live_agree"
	KeyLiveDisagree     MetricKey = "live_disagree"
	KeyLiveNotInLog     MetricKey = "live_not_in_log"
	KeyAuditEvents      MetricKey = "audit_events"
	// Sync has no log: what history its API keeps instead.
	KeyHistorySteps  MetricKey = "history_steps"
	KeyHistoryOrders MetricKey = "history_orders"
	KeyListedOrders  MetricKey = "listed_orders"
)

// Keys of poison-message.
const (
	KeyRefusedStatus     MetricKey = "refused_status"
	KeyNextOrderTTCMS    MetricKey = "next_order_ttc_ms"
	KeyDeadLetters       MetricKey = "dead_letters"
	KeyDLQMS             MetricKey = "dlq_ms"
	KeyStateChanges      MetricKey = "state_changes"
	KeyRetryPartitions   MetricKey = "retry_partitions"
	KeyRetryOrdersBehind MetricKey = "retry_orders_behind"
	KeyRetryMaxWaitMS    MetricKey = "retry_max_wait_ms"
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
	"find-the-failure": findTheFailureKeys(),
	"replay": {KeyLiveInvoices, KeyLiveTotal, KeyEventsReplayed, KeyReplayMS, KeyJoinWaitMS, KeyModelOrders, KeySKUHours,
		KeyReplayedInvoices, KeyReplayedTotal, KeyTotalsMatch, KeyLiveAgree, KeyLiveDisagree, KeyLiveNotInLog, KeyAuditEvents,
		KeyHistorySteps, KeyHistoryOrders, KeyListedOrders},
	"poison-message": {KeyRefusedStatus, KeyNextOrderTTCMS, KeyDeadLetters, KeyDLQMS, KeyStateChanges,
		KeyRetryPartitions, KeyRetryOrdersBehind, KeyRetryMaxWaitMS},
	"broker-down": append(loadKeys[:len(loadKeys):len(loadKeys)],
		KeyAcceptedPct, KeyPendingWhileDown, KeyOutboxPending, KeyNoticedMS, KeyBrokerDownMS,
		KeyCatchUpMS, KeyFirstMoveMS),
	"independent-evolution": evolutionKeys,
	"late-rejection":        lateRejectionKeys,
	"dual-write":            dualWriteKeys(),
	"ops-cost":              opsCostKeys(),
}

// findTheFailureKeys are find-the-failure's keys for every propagation it compares.
func findTheFailureKeys() []MetricKey {
	keys := []MetricKey{KeyRecoveredMS}
	for _, p := range []string{"child", "link", "off"} {
		for _, prefix := range []MetricKey{KeyTracesPrefix, KeySpansPrefix, KeyLookupsPrefix, KeySearchesPrefix, KeyTracesOpenedPrefix, KeySpansReadPrefix} {
			keys = append(keys, PerPropagation(prefix, p))
		}
	}
	return keys
}
