package scaleout

import (
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/cores"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// minChangeN is the fewest orders sent during a change that its verdict
// is judged on: "none of 5 failed" says little, so below it the verdict
// says too few to judge rather than holding (20: as a p95 needs).
const minChangeN = 20

// judge turns a run into the stack's outcome. Sync holds when no order
// sent during either change failed (the balancer drained the replicas it
// removed); a brokered stack when every accepted order became final, none
// sent during a change failed, its consumer group settled after each
// change, and the replica beyond the partitions was seen idle. Both need
// every window measured and at least minChangeN orders in each change.
func judge(mode stackmode.Mode, s scaleRun) kit.Outcome {
	o := kit.OutcomeOf(load.Summarize(s.Res), len(s.Res.Orders))
	s.Followed.Put(&o)
	if s.Cores != cores.Unknown {
		o.Put(Cores, float64(s.Cores))
	}
	o.Put(Others, float64(s.Others))
	o.Put(OfferedRate, s.Rate)
	w := putWindows(&o, s)
	o.Details = append(o.Details, coresLine(s.Cores, s.Others, mode))
	if s.Capped {
		o.Details = append(o.Details, "the load reached its upper bound before the changes were done: the last window ran without load")
	}
	few := tooFew(w)
	judged := w.all && !s.Capped && few == ""
	changed := fmt.Sprintf("%s while scaling out, %s while scaling in", failedText(w.out, w.okOut), failedText(w.in, w.okIn))
	if !brokered(mode) {
		changed += " (the balancer drains a replica before it stops)"
	}
	if few != "" {
		changed += "; " + few
	}
	tput := throughputText(w, s.Rate)
	if !brokered(mode) {
		o.Holds = judged && w.out.Failed == 0 && w.in.Failed == 0
		o.Verdict = fmt.Sprintf("%s: %s; %s; %s; %s",
			mode, tput, changed, putBalancer(&o, s.Balancer), CoresText(s.Cores, s.Others, mode))
		return o
	}
	capText, idleSeen := judgeCap(&o, s.Cap)
	rebalance, settledBoth := putRebalance(&o, w)
	notFinal := acceptedNotFinal(s.Res)
	o.Holds = judged && notFinal == 0 && w.out.Failed == 0 && w.in.Failed == 0 && settledBoth && idleSeen
	o.Verdict = fmt.Sprintf("%s: %s; %s; the rebalance: %s, %s, %s; %d accepted orders not final; %s; %s",
		mode, tput, changed, rebalance, w.longest, putDuplicates(&o, s.Dups), notFinal, capText, CoresText(s.Cores, s.Others, mode))
	return o
}

// tooFew says which change had fewer than minChangeN orders sent during
// it ("" when none did).
func tooFew(w windows) string {
	var few []string
	if w.okOut && w.out.Sent < minChangeN {
		few = append(few, fmt.Sprintf("%d sent while scaling out", w.out.Sent))
	}
	if w.okIn && w.in.Sent < minChangeN {
		few = append(few, fmt.Sprintf("%d sent while scaling in", w.in.Sent))
	}
	if len(few) == 0 {
		return ""
	}
	return fmt.Sprintf("too few to judge: %s (fewer than %d; a higher --rate sends more during a change)", strings.Join(few, " and "), minChangeN)
}

// putBalancer records what the balancer counted during the scale-in and
// says it.
func putBalancer(o *kit.Outcome, b balancerTally) string {
	if !b.OK {
		o.Details = append(o.Details, b.Why)
		return b.Why
	}
	o.Put(RetriedScaleIn, float64(b.During.Retried))
	o.Put(RefusedScaleIn, float64(b.During.Refused))
	o.Put(BalancerFailedScaleIn, float64(b.During.Failed))
	return fmt.Sprintf("the balancer during the scale-in: %s resent to another replica, %s refused, %s failed by it",
		kit.Counted(int(b.During.Retried), "request"), kit.Counted(int(b.During.Refused), "connection"), kit.Counted(int(b.During.Failed), "request"))
}

// putDuplicates records the redeliveries the inbox skipped and says them.
func putDuplicates(o *kit.Outcome, d dupTally) string {
	sum, ok := d.Sum()
	if !ok {
		return fmt.Sprintf("redeliveries skipped by the inbox not readable (%v)", d.Err)
	}
	if d.LowerBound {
		o.PutAs(Duplicates, Duplicates.Label+" — a lower bound: read through the balancer, one replica's count", sum)
		return fmt.Sprintf("at least %.0f redelivered events skipped by the inbox (a lower bound: one replica's count)", sum)
	}
	o.Put(Duplicates, sum)
	return fmt.Sprintf("%.0f redelivered events skipped by the inbox over every replica", sum)
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
