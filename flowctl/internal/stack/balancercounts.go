package stack

// BalancerCounts are what a balancer in front of a scaled service counted
// since it started: the cost of a scale-in to callers, besides the
// requests that failed outright.
type BalancerCounts struct {
	// Retried are requests sent again to another replica after one refused
	// or did not open the connection: they never reached the first, so the
	// caller only waited.
	Retried int64 `json:"retried"`
	// Refused are connections a replica refused or did not open.
	Refused int64 `json:"refused"`
	// Failed are requests the balancer answered with an error itself (no
	// replica ready, or the last try's replica did not answer).
	Failed int64 `json:"failed"`
}

// Sub is what was counted between an earlier reading and c.
func (c BalancerCounts) Sub(earlier BalancerCounts) BalancerCounts {
	return BalancerCounts{Retried: c.Retried - earlier.Retried, Refused: c.Refused - earlier.Refused, Failed: c.Failed - earlier.Failed}
}
