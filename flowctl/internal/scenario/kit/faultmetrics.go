package kit

// Metrics more than one fault scenario records. Each scenario's outcome
// words its label for what it broke ("all final after the broker returned").
var (
	AcceptedPct  = MetricDef{Key: "accepted_pct", Label: "accepted while down (2xx)", Short: "accepted", Unit: UnitPct, N: Orders.Key}
	CatchUp      = MetricDef{Key: "catch_up_ms", Label: "all final after the outage ended", Short: "catch-up", Unit: UnitMS}
	Backlog      = MetricDef{Key: "backlog_events", Label: "consumer backlog", Short: "backlog", Unit: UnitEvents}
	AddedLatency = MetricDef{Key: "added_latency_ms", Label: "placement p50 added against a baseline", Short: "added p50", Unit: UnitMS}
	BaselineP50  = MetricDef{Key: "baseline_placement_p50_ms", Label: "placement p50 of the baseline", Short: "baseline p50", Unit: UnitMS}
)
