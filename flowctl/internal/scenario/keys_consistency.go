package scenario

// Keys of late-rejection: what the customer was told against what became
// of the order, with scarce stock.
const (
	KeyScarceUnits MetricKey = "scarce_units"
	KeyRejected    MetricKey = "rejected"
	// KeyLateRejected counts orders answered 2xx (accepted) that ended REJECTED.
	KeyLateRejected MetricKey = "told_accepted_then_rejected"
	// KeyRejectedInAnswer counts orders told REJECTED in the answer itself.
	KeyRejectedInAnswer MetricKey = "rejected_in_answer"
	// KeyAnswerChanged counts orders whose final status differs from the
	// status of their answer.
	KeyAnswerChanged       MetricKey = "answer_changed"
	KeyLateRejectionP50MS  MetricKey = "late_rejection_p50_ms"
	KeyLateRejectionTailMS MetricKey = "late_rejection_tail_ms"
	KeyLateRejectionN      MetricKey = "late_rejection_n"
)

// Keys of dual-write: one of each per round (PerRound): "outbox" and
// "direct" (ORDER_PUBLISH) in events mode, "sync" in sync mode.
const (
	KeyAttemptsPrefix  MetricKey = "attempts_"
	KeyCrashedPrefix   MetricKey = "crashed_"
	KeyNoAnswerPrefix  MetricKey = "no_answer_"
	KeyCommittedPrefix MetricKey = "committed_"
	KeyNotFinalPrefix  MetricKey = "committed_not_final_"
	// KeyStuckPrefix counts committed orders PENDING for good: no OrderPlaced
	// for them in orders.v1 and none left in order-svc's outbox (events), or
	// not final after the restart with no process left to move them (sync).
	KeyStuckPrefix MetricKey = "stuck_pending_"
	// KeyStuckTold2xxPrefix counts the stuck orders whose client was
	// answered 2xx (told accepted or confirmed).
	KeyStuckTold2xxPrefix MetricKey = "stuck_told_2xx_"
)

// The rounds of dual-write.
const (
	RoundOutbox = "outbox"
	RoundDirect = "direct"
	RoundSync   = "sync"
)

// PerRound is prefix's key for one round of dual-write ("stuck_pending_direct").
func PerRound(prefix MetricKey, round string) MetricKey { return prefix + MetricKey(round) }

// The per-round keys the report reads by name.
var (
	KeyStuckOutbox = PerRound(KeyStuckPrefix, RoundOutbox)
	KeyStuckDirect = PerRound(KeyStuckPrefix, RoundDirect)
	KeyStuckSync   = PerRound(KeyStuckPrefix, RoundSync)
)

// lateRejectionKeys are what late-rejection reports.
var lateRejectionKeys = []MetricKey{KeyScarceUnits, KeyOrders, KeyRejected, KeyLateRejected, KeyRejectedInAnswer,
	KeyAnswerChanged, KeyLateRejectionP50MS, KeyLateRejectionTailMS, KeyLateRejectionN, KeyNotFinal, KeyFollowIntervalMS}

// dualWriteKeys are dual-write's keys for every round.
func dualWriteKeys() []MetricKey {
	var keys []MetricKey
	for _, r := range []string{RoundOutbox, RoundDirect, RoundSync} {
		for _, prefix := range []MetricKey{KeyAttemptsPrefix, KeyCrashedPrefix, KeyNoAnswerPrefix, KeyCommittedPrefix,
			KeyNotFinalPrefix, KeyStuckPrefix, KeyStuckTold2xxPrefix} {
			keys = append(keys, PerRound(prefix, r))
		}
	}
	return keys
}
