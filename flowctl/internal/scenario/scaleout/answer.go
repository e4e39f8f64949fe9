package scaleout

import (
	"fmt"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// saysScale answers "a real problem at your scale?" in words: what three
// replicas bought here against the offered load, on how many cores, and
// what the change cost.
func saysScale(o kit.Outcome) string {
	one, okOne := o.Metric(ThroughputOne.Key)
	three, okThree := o.Metric(ThroughputThree.Key)
	if !okOne || !okThree {
		return ""
	}
	n, _ := o.Count(Cores) // absent: unknown (a remote runtime)
	others, _ := o.Count(Others)
	n1, _ := o.Count(PlacementNOne)
	n3, _ := o.Count(PlacementNThree)
	offeredRate := o.Value(OfferedRate.Key)
	s := fmt.Sprintf("%s final with 1 replica (n=%d), %s with %d replicas (n=%d); %s",
		offered(one.Value, offeredRate), n1, offered(three.Value, offeredRate), Replicas, n3, CoresText(n, others, stackmode.Mode(o.Mode)))
	if o.Mode == string(stackmode.Sync) {
		if f, ok := o.Count(FailedScaleIn); ok {
			sent, _ := o.Count(SentScaleIn)
			s += fmt.Sprintf("; %d of %s failed during the scale-in", f, kit.Counted(sent, "order"))
		}
		if r, ok := o.Count(RetriedScaleIn); ok {
			s += fmt.Sprintf(", %s resent by the balancer", kit.Counted(r, "request"))
		}
		return s
	}
	if r, ok := o.Ms(RebalanceOut); ok {
		s += "; the group rebalanced to 3 in " + r
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
