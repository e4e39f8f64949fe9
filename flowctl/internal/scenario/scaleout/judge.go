package scaleout

import (
	"fmt"
	"math"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// judge turns a run into the stack's outcome. Sync holds when no order
// sent during either change failed (the balancer drained the replicas it
// removed); a brokered stack when every accepted order became final, none
// sent during a change failed, and the replica beyond the partitions was
// seen idle. Both need every window measured.
func judge(mode stackmode.Mode, s scaleRun) kit.Outcome {
	o := kit.OutcomeOf(load.Summarize(s.Res), len(s.Res.Orders))
	s.Followed.Put(&o)
	o.Put(Cores, float64(s.Cores))
	o.Put(Others, float64(s.Others))
	o.Put(OfferedRate, s.Rate)
	w := putWindows(&o, s)
	o.Details = append(o.Details, coresLine(s.Cores, s.Others))
	if s.Capped {
		o.Details = append(o.Details, "the load reached its upper bound before the changes were done: the last window ran without load")
	}
	measured := w.all && !s.Capped
	changed := fmt.Sprintf("%s while scaling out, %s while scaling in", failedText(w.out, w.okOut), failedText(w.in, w.okIn))
	tput := throughputText(w.one, w.okOne, w.three, w.okThree)
	if !brokered(mode) {
		o.Holds = measured && w.out.Failed == 0 && w.in.Failed == 0
		o.Verdict = fmt.Sprintf("%s: %s; %s (the balancer drains a replica before it stops); %s",
			mode, tput, changed, coresShort(s.Cores, s.Others))
		return o
	}
	capText, idleSeen := judgeCap(&o, s.Cap)
	dups := "redeliveries skipped by the inbox not readable"
	if s.DuplicatesOK {
		o.Put(Duplicates, s.Duplicates)
		dups = fmt.Sprintf("%.0f redelivered events skipped by the inbox (at least)", s.Duplicates)
	}
	notFinal := acceptedNotFinal(s.Res)
	o.Holds = measured && notFinal == 0 && w.out.Failed == 0 && w.in.Failed == 0 && idleSeen
	o.Verdict = fmt.Sprintf("%s: %s; %s; the rebalance: %s, %s; %d accepted orders not final; %s; %s",
		mode, tput, changed, w.longest, dups, notFinal, capText, coresShort(s.Cores, s.Others))
	return o
}

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
		o.Put(ScaleOutTook, stats.Millis(w.out.Took()))
		o.Put(FailedScaleOut, float64(w.out.Failed))
	}
	if w.okIn {
		o.Put(ScaleInTook, stats.Millis(w.in.Took()))
		o.Put(FailedScaleIn, float64(w.in.Failed))
	}
	ttc, longest := changeTTC(s.Phases)
	o.Put(ChangeTTCN, float64(len(ttc)))
	if !math.IsNaN(longest) {
		o.PutAs(ChangeTTCMax, fmt.Sprintf("longest time to consistency of the orders sent while the replicas changed (n=%d)", len(ttc)), longest)
	}
	w.longest = longestText(ttc, longest)
	for _, p := range s.Phases {
		o.Details = append(o.Details, phaseLine(p))
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
		return fmt.Sprintf("partition cap not seen: the group did not settle with %d members in %s", c.Partitions+1, capSettle), false
	}
	return fmt.Sprintf("the cap: %d of %d replicas idle on %d partitions — %s", idle, len(c.Group.Members), c.Partitions, raise), idle >= 1
}

// acceptedNotFinal counts orders told 2xx that never became final.
func acceptedNotFinal(r load.Result) int {
	n := 0
	for _, p := range r.Orders {
		if p.Accepted() && !p.Order.Final {
			n++
		}
	}
	return n
}

func throughputText(one phase, okOne bool, three phase, okThree bool) string {
	if !okOne || !okThree {
		return "the steady windows were not both measured"
	}
	return fmt.Sprintf("%s final with 1 replica (placement p50 %s, n=%d), %s with %d (p50 %s, n=%d)",
		rate(one.Throughput()), stats.Ms(stats.Percentile(one.Placement, 50)), len(one.Placement),
		rate(three.Throughput()), three.Replicas, stats.Ms(stats.Percentile(three.Placement, 50)), len(three.Placement))
}

func rate(v float64) string { return kit.FormatValue(v, string(kit.UnitRate)) }

func failedText(p phase, ok bool) string {
	if !ok {
		return "not reached"
	}
	return fmt.Sprintf("%d of %d orders failed", p.Failed, p.Sent)
}

func longestText(ttc []float64, longest float64) string {
	if len(ttc) == 0 {
		return "no order sent during a change was confirmed"
	}
	return fmt.Sprintf("orders sent during the changes final after at most %s (n=%d)", stats.Ms(longest), len(ttc))
}

// phaseLine is one window as the details list it: what was sent and
// failed, what got through, placement and (events) the slowest to become
// final — a rebalance right after a change shows in the next window's.
func phaseLine(p phase) string {
	v, name := p.P95()
	line := fmt.Sprintf("%s (%s, %d %s): %d sent, %d failed, %s final; placement p50 %s, %s %s (n=%d)",
		p.Name, stats.Duration(p.Took()), p.Replicas, kit.Plural(p.Replicas, "replica"), p.Sent, p.Failed,
		rate(p.Throughput()), stats.Ms(stats.Percentile(p.Placement, 50)), name, stats.Ms(v), len(p.Placement))
	if len(p.TTC) > 0 {
		line += fmt.Sprintf("; final after at most %s (n=%d)", stats.Ms(stats.Summarize(p.TTC).Max), len(p.TTC))
	}
	return line
}
