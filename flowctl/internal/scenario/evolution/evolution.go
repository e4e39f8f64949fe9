// Package evolution is the independent-evolution scenario: a reader that
// joins late, and a rolling deploy of the downstream services under load.
package evolution

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is independent-evolution.
var Def = kit.Define(kit.Spec[evolved]{
	About: kit.About{
		Name:    "independent-evolution",
		Summary: "a reader that joins after a batch of orders (events: a new consumer group set to where the log ended before the batch — in events-orchestration on the commands and reply channel too, with the share the fact topics alone held; sync: order-svc's API): share of past orders and steps it sees, catch-up, requests to order-svc by its /metrics; then inventory-svc and invoicing-svc restart one after the other under load: orders failed, placement against a baseline",
		Claim:   "a logistics service and an invoicing service can evolve independently; teams can add consumers without touching the producer",
		Metrics: append(kit.LoadMetrics(),
			LateOrdersPct, LateTransitionsPct, LateFactStepsPct, LatePastOrders, LatePastSteps, LateOrdersKnown, LateCatchUp, LateRequests, LateBytes,
			kit.LogEventsBefore, kit.LogBytesBefore,
			DeployFailed, DeployFailedPct, DeployOut, kit.BaselineP50, BaselineTail, BaselinePlacedN, kit.AddedLatency, DeployAddedTail),
		Headline: []kit.MetricKey{LateOrdersPct.Key, LateRequests.Key, DeployFailed.Key},
		Answers: []kit.Answer{{Question: kit.Coupling, Place: 3,
			Keys: []kit.MetricKey{LateOrdersPct.Key, LateRequests.Key, DeployFailed.Key, DeployAddedTail.Key}, Says: saysCoupling}},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, r evolved) kit.Outcome {
		o := judgeEvolution(mode, r.Late, r.Deploy)
		r.Deploy.Followed.Put(&o)
		return o
	},
})

// evolved is what one mode's run measured: the late reader, then the
// rolling deploy.
type evolved struct {
	Late   lateRead
	Deploy deployRun
}

// run puts "services evolve independently; a consumer can be added without
// touching the producer" to the test twice: a reader that joins after a
// batch of orders must learn about all of them, and the two downstream
// services are redeployed one after the other under load.
func run(ctx context.Context, e *kit.Env, t kit.Target) (evolved, error) {
	n := e.Size.Orders
	var mark kit.LogMark
	if t.Mode.Kafka() { // the late reader reads what this run adds, not the log's history
		var err error
		if mark, err = e.MarkLog(ctx, t); err != nil {
			return evolved{}, err
		}
	}
	e.Step("  placing %d orders before the late reader starts", n)
	res, err := e.Batch(ctx, t, "independent-evolution", n, e.Size.Rate, nil)
	if err != nil {
		return evolved{}, err
	}
	if _, err := e.Follow(ctx, t, "independent-evolution", &res); err != nil {
		return evolved{}, err
	}
	late, err := lateReader(ctx, e, t, res, mark)
	if err != nil {
		return evolved{}, err
	}
	dep, err := rollingDeploy(ctx, e, t)
	if err != nil {
		return evolved{}, err
	}
	return evolved{Late: late, Deploy: dep}, nil
}

// slowedBy says whether the deploy slowed placement: its tail grew by at
// least the baseline's tail (it doubled) and by 100 ms or more, so the
// jitter of a busy machine alone does not count.
func slowedBy(addedTail, baseTail float64) bool { return addedTail >= max(baseTail, 100) }

// judgeEvolution turns what was measured into the outcome. Events hold the
// claim when the late reader found every order of the batch and every step
// of them without one request to order-svc, and the rolling deploy failed
// no order. Sync shows the claim's other side, coupling, when its reader had
// to ask order-svc and the deploy failed or slowed orders; a run where it
// did neither did not show it.
func judgeEvolution(mode stackmode.Mode, l lateRead, d deployRun) kit.Outcome {
	o := kit.OutcomeOf(d.Deploy, d.Orders)
	putLate(&o, l)
	addedTail := putDeploy(&o, d)
	for _, w := range slices.Sorted(maps.Keys(d.Why)) {
		o.Details = append(o.Details, fmt.Sprintf("failed during the deploy: %d × %s", d.Why[w], w))
	}
	if mode == stackmode.Sync {
		judgeSync(&o, l, d, addedTail)
	} else {
		judgeEvents(&o, mode, l, d)
	}
	return o
}

// putLate records what the late reader found.
func putLate(o *kit.Outcome, l lateRead) {
	if l.Mark.Start != nil {
		l.Mark.Put(o)
	}
	o.Put(LateOrdersPct, stats.Share(l.Found, l.Batch))
	o.Put(LateTransitionsPct, stats.Share(l.Seen, l.Expected))
	o.Put(LatePastOrders, float64(l.Batch))
	o.Put(LatePastSteps, float64(l.Expected))
	o.Put(LateOrdersKnown, float64(l.Known))
	o.Put(LateCatchUp, float64(l.CatchUp.Microseconds())/1000)
	if l.RequestsOK {
		o.Put(LateRequests, l.Requests)
	}
	o.Put(LateBytes, float64(l.Bytes))
	if l.onPrivate() {
		o.Put(LateFactStepsPct, stats.Share(l.FactSeen, l.Expected))
	}
}

// putDeploy records what the rolling deploy did to the orders placed
// meanwhile, and returns how much it added to placement's tail.
func putDeploy(o *kit.Outcome, d deployRun) (addedTail float64) {
	_, outMS := outages(d)
	addedP50 := d.Deploy.Placement.P50 - d.Base.Placement.P50
	addedTail = stats.Tail(d.Deploy.Placement) - stats.Tail(d.Base.Placement)
	o.Put(DeployFailed, float64(d.Failed))
	o.Put(DeployFailedPct, stats.Share(d.Failed, d.Orders))
	o.PutAs(DeployOut, fmt.Sprintf("deploy: services out (stop → ready; %s of each held on purpose), summed", stats.Duration(d.Hold)), outMS)
	o.PutAs(kit.BaselineP50, "placement p50 before the deploy", d.Base.Placement.P50)
	o.PutAs(BaselineTail, "placement "+stats.TailName(d.Base.Placement)+" before the deploy", stats.Tail(d.Base.Placement))
	o.Put(BaselinePlacedN, float64(d.Base.Placement.N))
	// The sample counts are metrics of their own: a label is shared by both
	// modes' columns, and each mode placed its own number of orders.
	o.PutAs(kit.AddedLatency, "placement p50 added: during the deploy − before", addedP50)
	o.PutAs(DeployAddedTail, fmt.Sprintf("placement %s during the deploy − %s before", stats.TailName(d.Deploy.Placement), stats.TailName(d.Base.Placement)), addedTail)
	return addedTail
}

// outages are the deploy's restarts ("inventory-svc out 1.2 s") and their
// time out, summed, in milliseconds.
func outages(d deployRun) (out []string, ms float64) {
	for _, s := range d.Out {
		out = append(out, fmt.Sprintf("%s out %s", s.Service, stats.Duration(s.Out)))
		ms += stats.Millis(s.Out)
	}
	return out, ms
}

// deployLine is the verdict's account of the rolling deploy.
func deployLine(d deployRun) string {
	out, _ := outages(d)
	line := fmt.Sprintf("restarting %s under load failed %d of %d orders (%s); placement %s / %s, before %s / %s",
		strings.Join(out, ", then "), d.Failed, d.Orders, kit.StatusList(d.Deploy.ByStatus),
		stats.Pct50Label(d.Deploy.Placement), stats.Pct99Label(d.Deploy.Placement), stats.Pct50Label(d.Base.Placement), stats.Pct99Label(d.Base.Placement))
	if d.Capped {
		line += "; the load ended before the last restart did"
	}
	return line
}

// foundLine is the verdict's account of the late reader.
func foundLine(l lateRead) string {
	requests := "order-svc's requests unknown (its /metrics did not answer)"
	if l.RequestsOK {
		requests = kit.Counted(int(l.Requests), "request") + " to order-svc"
	}
	return fmt.Sprintf("found %d of %d past orders and %d of %d of their steps (%d orders in all, %s read) in %s with %s",
		l.Found, l.Batch, l.Seen, l.Expected, l.Known, byteSize(l.Bytes), stats.Ms(float64(l.CatchUp.Microseconds())/1000), requests)
}

// judgeSync holds when coupling showed: the reader had to ask order-svc,
// and the deploy failed or slowed orders.
func judgeSync(o *kit.Outcome, l lateRead, d deployRun, addedTail float64) {
	slowed := slowedBy(addedTail, stats.Tail(d.Base.Placement))
	loaded := l.RequestsOK && l.Requests > 0
	o.Verdict = fmt.Sprintf("sync: a late reader has only order-svc's API (newest %d, no paging): it %s; %s", kit.ListLimit, foundLine(l), deployLine(d))
	if d.Failed == 0 && slowed {
		o.Verdict += "; no order failed, but placement's tail at least doubled"
	}
	var not []string
	if !loaded {
		not = append(not, "the reader did not load order-svc")
	}
	switch {
	case d.Orders == 0:
		not = append(not, "no order was placed during the deploy")
	case d.Failed == 0 && !slowed:
		not = append(not, "the deploy failed no order and did not slow placement")
	}
	o.Holds = len(not) == 0
	if len(not) > 0 {
		o.Verdict += " — the coupling did not show: " + strings.Join(not, "; ")
	}
}

// judgeEvents holds when the reader found the whole past without a request
// to order-svc and the deploy failed no order.
func judgeEvents(o *kit.Outcome, mode stackmode.Mode, l lateRead, d deployRun) {
	var not []string
	if l.Batch == 0 || l.Found < l.Batch || l.Seen < l.Expected {
		not = append(not, "the reader missed part of the past")
	}
	if !l.RequestsOK || l.Requests != 0 {
		not = append(not, "the reader was not shown to leave order-svc alone")
	}
	switch {
	case d.Orders == 0:
		not = append(not, "no order was placed during the deploy")
	case d.Failed > 0:
		not = append(not, "the deploy did not leave every order to complete")
	}
	o.Holds = len(not) == 0
	o.Verdict = fmt.Sprintf("%s: it %s; %s", readerLine(mode, l), foundLine(l), deployLine(d))
	if !o.Holds {
		o.Verdict += " — the claim did not show: " + strings.Join(not, "; ")
	}
}

// byteSize is "12.3 kB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
