package scaleout

import (
	"fmt"
	"math"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// windows are a run's phases as the judge reads them: each steady window
// and each change, whether the run got to it, and the changes' longest
// time to consistency in words.
type windows struct {
	one, out, three, in         phase
	okOne, okOut, okThree, okIn bool
	all                         bool
	longest                     string
}

// putWindows records each window's numbers on o, with a details line each.
func putWindows(o *kit.Outcome, s scaleRun) windows {
	var w windows
	w.one, w.okOne = named(s.Phases, WindowOne)
	w.three, w.okThree = named(s.Phases, WindowThree)
	w.out, w.okOut = named(s.Phases, WindowOut)
	w.in, w.okIn = named(s.Phases, WindowIn)
	w.all = w.okOne && w.okOut && w.okThree && w.okIn
	putSteady(o, w.one, w.okOne, ThroughputOne, PlacementP50One, PlacementP95One, PlacementNOne)
	putSteady(o, w.three, w.okThree, ThroughputThree, PlacementP50Three, PlacementP95Three, PlacementNThree)
	if w.okOut {
		o.Put(ScaleOutTook, stats.Millis(w.out.Scaled))
		o.Put(SentScaleOut, float64(w.out.Sent))
		o.Put(FailedScaleOut, float64(w.out.Failed))
	}
	if w.okIn {
		o.Put(ScaleInTook, stats.Millis(w.in.Scaled))
		o.Put(SentScaleIn, float64(w.in.Sent))
		o.Put(FailedScaleIn, float64(w.in.Failed))
	}
	ttc, longest := changeTTC(s.Phases)
	o.Put(ChangeTTCN, float64(len(ttc)))
	if !math.IsNaN(longest) {
		o.PutAs(ChangeTTCMax, fmt.Sprintf("longest time to consistency of the orders sent while the replicas changed (n=%d)", len(ttc)), longest)
	}
	w.longest = longestText(ttc, longest)
	for _, p := range s.Phases {
		o.Details = append(o.Details, phaseLine(p, s.Rate))
	}
	return w
}

// putSteady records a steady window's throughput and placement.
func putSteady(o *kit.Outcome, p phase, ok bool, tput, p50, p95, n kit.MetricDef) {
	if !ok {
		return
	}
	o.Put(tput, p.Throughput())
	o.Put(n, float64(len(p.Placement)))
	if len(p.Placement) == 0 {
		return
	}
	o.Put(p50, stats.Percentile(p.Placement, 50))
	v, name := p.P95()
	o.PutAs(p95, fmt.Sprintf("placement %s with %d %s", name, p.Replicas, kit.Plural(p.Replicas, "replica")), v)
}

// putRebalance records how long each change's rebalance took (from the
// change's start until the group was Stable with its replicas) and says
// it; settled is false when a change's group did not settle.
func putRebalance(o *kit.Outcome, w windows) (text string, settled bool) {
	out, okOut := rebalanceOf(o, w.out, w.okOut, RebalanceOut)
	in, okIn := rebalanceOf(o, w.in, w.okIn, RebalanceIn)
	return fmt.Sprintf("scaling out %s, scaling in %s", out, in), okOut && okIn
}

func rebalanceOf(o *kit.Outcome, p phase, ok bool, d kit.MetricDef) (string, bool) {
	switch {
	case !ok:
		return "not reached", false
	case p.Rebalance == nil:
		return "not watched", false
	case !p.Rebalance.Stable:
		return fmt.Sprintf("not Stable with %d members after %s (%s)", p.Replicas, stats.Duration(p.Rebalance.Took), p.Rebalance.Group), false
	}
	o.Put(d, stats.Millis(p.Rebalance.Took))
	return fmt.Sprintf("Stable with %d after %s", p.Replicas, stats.Ms(stats.Millis(p.Rebalance.Took))), true
}

// judgeCap records the partition cap and says what it showed: whether a
// replica beyond the partitions idled, and what raising them does.
func judgeCap(o *kit.Outcome, c *capRun) (string, bool) {
	if c == nil {
		return "partition cap not checked", false
	}
	o.Put(Partitions, float64(c.Partitions))
	o.Put(CapMembers, float64(len(c.Group.Members)))
	idle := len(c.Group.Idle())
	o.Put(CapIdle, float64(idle))
	o.Details = append(o.Details, fmt.Sprintf("partition cap: %s replicas on %d partitions per topic, after %s: %s",
		kit.Number(float64(len(c.Group.Members))), c.Partitions, stats.Duration(c.Settled), c.Group))
	raise := fmt.Sprintf("raising KAFKA_PARTITIONS above %d (new topics; an existing topic's partitions can only be added to, and keys then move) lets that many replicas share the work", c.Partitions)
	if !c.Stable {
		return fmt.Sprintf("partition cap not seen: the group did not settle with %d members in %s", c.Partitions+1, settleBound), false
	}
	return fmt.Sprintf("the cap: %d of %d replicas idle on %d partitions — %s", idle, len(c.Group.Members), c.Partitions, raise), idle >= 1
}
