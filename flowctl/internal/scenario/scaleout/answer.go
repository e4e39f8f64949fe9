package scaleout

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// saysScale answers "a real problem at your scale?" in words: what three
// replicas bought here, on how many cores, and what the change cost.
func saysScale(o kit.Outcome) string {
	one, okOne := o.Metric(ThroughputOne.Key)
	three, okThree := o.Metric(ThroughputThree.Key)
	cores, okCores := o.Count(Cores)
	if !okOne || !okThree || !okCores {
		return ""
	}
	n1, _ := o.Count(PlacementNOne)
	n3, _ := o.Count(PlacementNThree)
	s := fmt.Sprintf("%s final with 1 replica (n=%d), %s with %d replicas (n=%d), on %d cores",
		rate(one.Value), n1, rate(three.Value), Replicas, n3, cores)
	if o.Mode == string(stackmode.Sync) {
		if n, ok := o.Count(FailedScaleIn); ok {
			s += fmt.Sprintf("; %s failed during the scale-in", kit.Counted(n, "order"))
		}
		return s
	}
	if l, ok := o.Ms(ChangeTTCMax); ok {
		s += "; orders sent during the rebalance final after at most " + l
	}
	if idle, ok := o.Count(CapIdle); ok {
		p, _ := o.Count(Partitions)
		s += fmt.Sprintf("; %s idle beyond %d partitions", kit.Counted(idle, "replica"), p)
	}
	return s
}
