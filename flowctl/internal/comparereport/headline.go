package comparereport

import (
	"strings"

	"github.com/orderflow/flowctl/internal/scenario"
)

// headlineKeys are the metrics that tell the scenarios apart first, in
// the order keyNumbers picks them.
var headlineKeys = []scenario.MetricKey{
	scenario.KeySuccessPct, scenario.KeyStaleReadPct, scenario.KeyPlacementP50MS, scenario.KeyTTCP99MS,
	scenario.KeyCatchUpMS, scenario.KeyBacklogEvents, scenario.KeyTracesChild, scenario.KeyTracesLink, scenario.KeyTracesOff,
	scenario.KeyTotalsMatch, scenario.KeyEventsReplayed, scenario.KeyDeadLetters, scenario.KeyDLQMS, scenario.KeyRefusedStatus,
	scenario.KeyAcceptedPct, scenario.KeyPlacementP99MS, scenario.KeyTTCP50MS,
}

// scenarioHeadline are the numbers of a scenario whose claim is not about
// latency, where the generic headline would show its load's placement
// times instead of what it measured.
var scenarioHeadline = map[string][]scenario.MetricKey{
	"independent-evolution": {scenario.KeyLateOrdersPct, scenario.KeyLateRequests, scenario.KeyDeployFailed},
	"late-rejection":        {scenario.KeyLateRejected, scenario.KeyRejectedInAnswer, scenario.KeyLateRejectionP50MS},
	"dual-write":            {scenario.KeyStuckDirect, scenario.KeyStuckOutbox, scenario.KeyStuckSync},
	"ops-cost":              {scenario.KeyOpsComponents, scenario.KeyOpsRSSMiB, scenario.KeyOpsCPUMSPerOrder},
}

// keyNumbers is an outcome in a few numbers: the ones that tell the
// scenarios apart first, up to three, else its first three metrics.
func keyNumbers(o scenario.Outcome) string {
	// Placement at its median (what a client usually waits), consistency at
	// its p99 (the faults show in the tail); accepted after these, as it
	// mostly repeats confirmed.
	var picked []scenario.Metric
	keys := headlineKeys
	if own, ok := scenarioHeadline[o.Scenario]; ok {
		keys = own
	}
	for _, k := range keys {
		if m, ok := o.Metric(k); ok && len(picked) < 3 {
			picked = append(picked, m)
		}
	}
	if len(picked) == 0 {
		picked = o.Metrics[:min(3, len(o.Metrics))]
	}
	if len(picked) == 0 {
		return "no metrics"
	}
	parts := make([]string, len(picked))
	for i, m := range picked {
		parts[i] = shortLabel(m) + " " + shortValue(m)
	}
	return strings.Join(parts, " · ")
}

// shortLabel names a headline metric in a word or two for the summary.
func shortLabel(m scenario.Metric) string {
	switch m.Key {
	case scenario.KeySuccessPct:
		return "confirmed"
	case scenario.KeyAcceptedPct:
		return "accepted"
	case scenario.KeyStaleReadPct:
		return "stale reads"
	case scenario.KeyPlacementP50MS:
		return "placed p50"
	case scenario.KeyPlacementP99MS:
		return "placed p99"
	case scenario.KeyTTCP50MS:
		return "final p50"
	case scenario.KeyTTCP99MS:
		return "final p99"
	case scenario.KeyCatchUpMS:
		return "catch-up"
	case scenario.KeyBacklogEvents:
		return "backlog"
	case scenario.KeyTracesChild, scenario.KeyTracesLink, scenario.KeyTracesOff:
		return "traces (" + strings.TrimPrefix(string(m.Key), "traces_") + ")"
	case scenario.KeyTotalsMatch:
		return "rebuilt = live"
	case scenario.KeyEventsReplayed:
		return "replayed"
	case scenario.KeyDeadLetters:
		return "dead letters"
	case scenario.KeyDLQMS:
		return "dead-lettered after"
	case scenario.KeyRefusedStatus:
		return "refused with HTTP"
	case scenario.KeyLateOrdersPct:
		return "late reader found"
	case scenario.KeyLateRequests:
		return "its requests to order-svc"
	case scenario.KeyDeployFailed:
		return "failed in the deploy"
	case scenario.KeyLateRejected:
		return "accepted, then rejected"
	case scenario.KeyRejectedInAnswer:
		return "rejected in the answer"
	case scenario.KeyLateRejectionP50MS:
		return "rejection came p50"
	case scenario.KeyStuckDirect:
		return "lost (dual write)"
	case scenario.KeyStuckOutbox:
		return "lost (outbox)"
	case scenario.KeyStuckSync:
		return "left PENDING"
	case scenario.KeyOpsComponents:
		return "components"
	case scenario.KeyOpsRSSMiB:
		return "memory"
	case scenario.KeyOpsCPUMSPerOrder:
		return "CPU per order"
	}
	if m.Label != "" {
		return m.Label
	}
	return string(m.Key)
}
