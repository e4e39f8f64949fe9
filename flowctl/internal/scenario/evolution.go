package scenario

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stats"
)

// independentEvolution puts "services evolve independently; a consumer can
// be added without touching the producer" to the test twice: a reader that
// joins after a batch of orders must learn about all of them, and the two
// downstream services are redeployed one after the other under load.
func independentEvolution(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := e.Size.Orders
	e.say("  placing %d orders before the late reader starts", n)
	res, err := e.batch(ctx, t, "independent-evolution", n, e.Size.Rate, nil)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := e.follow(ctx, t, "independent-evolution", &res); err != nil {
		return Outcome{}, err
	}
	late, err := e.lateReader(ctx, t, res)
	if err != nil {
		return Outcome{}, err
	}
	dep, err := e.rollingDeploy(ctx, t)
	if err != nil {
		return Outcome{}, err
	}
	o := judgeEvolution(t.Mode, late, dep)
	e.putFollow(&o)
	return o, nil
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
func judgeEvolution(mode config.Mode, l lateRead, d deployRun) Outcome {
	o := outcomeOf(d.Deploy, d.Orders)
	o.put(KeyLateOrdersPct, "late reader: orders placed before it that it found", stats.Share(l.Found, l.Batch), "%")
	o.put(KeyLateTransitionsPct, "late reader: their steps it saw (placed, reserved/rejected, invoiced)", stats.Share(l.Seen, l.Expected), "%")
	o.put(KeyLatePastOrders, "late reader: orders placed before it", float64(l.Batch), "orders")
	o.put(KeyLatePastSteps, "late reader: steps those orders took", float64(l.Expected), "")
	o.put(KeyLateOrdersKnown, "late reader: orders learned about in all", float64(l.Known), "orders")
	o.put(KeyLateCatchUpMS, "late reader: caught up in", float64(l.CatchUp.Microseconds())/1000, "ms")
	if l.RequestsOK {
		o.put(KeyLateRequests, "late reader: requests order-svc served (its /metrics)", l.Requests, "")
	}
	o.put(KeyLateBytes, "late reader: bytes read", float64(l.Bytes), "bytes")

	var out []string
	var outMS float64
	for _, s := range d.Out {
		out = append(out, fmt.Sprintf("%s out %s", s.Service, seconds(s.Out)))
		outMS += float64(s.Out.Milliseconds())
	}
	addedP50 := d.Deploy.Placement.P50 - d.Base.Placement.P50
	addedTail := stats.Tail(d.Deploy.Placement) - stats.Tail(d.Base.Placement)
	o.put(KeyDeployFailed, "deploy: orders not CONFIRMED or REJECTED", float64(d.Failed), "orders")
	o.put(KeyDeployFailedPct, "deploy: share failed", stats.Share(d.Failed, d.Orders), "%")
	o.put(KeyDeployOutMS, fmt.Sprintf("deploy: services out (stop → ready; %s of each held on purpose), summed", seconds(d.Hold)), outMS, "ms")
	o.put(KeyBaselineP50MS, "placement p50 before the deploy", d.Base.Placement.P50, "ms")
	o.put(KeyBaselineTailMS, "placement "+stats.TailName(d.Base.Placement)+" before the deploy", stats.Tail(d.Base.Placement), "ms")
	o.put(KeyBaselinePlacedN, "placement samples before the deploy", float64(d.Base.Placement.N), "")
	// The sample counts are metrics of their own: a label is shared by both
	// modes' columns, and each mode placed its own number of orders.
	o.put(KeyAddedLatencyMS, "placement p50 added: during the deploy − before", addedP50, "ms")
	o.put(KeyDeployAddedTailMS, fmt.Sprintf("placement %s during the deploy − %s before", stats.TailName(d.Deploy.Placement), stats.TailName(d.Base.Placement)), addedTail, "ms")

	deploy := fmt.Sprintf("restarting %s under load failed %d of %d orders (%s); placement %s / %s, before %s / %s",
		strings.Join(out, ", then "), d.Failed, d.Orders, statusList(d.Deploy.ByStatus),
		stats.Pct50Label(d.Deploy.Placement), stats.Pct99Label(d.Deploy.Placement), stats.Pct50Label(d.Base.Placement), stats.Pct99Label(d.Base.Placement))
	if d.Capped {
		deploy += "; the load ended before the last restart did"
	}
	for _, w := range slices.Sorted(maps.Keys(d.Why)) {
		o.Details = append(o.Details, fmt.Sprintf("failed during the deploy: %d × %s", d.Why[w], w))
	}
	requests := "order-svc's requests unknown (its /metrics did not answer)"
	if l.RequestsOK {
		requests = fmt.Sprintf("%.0f request(s) to order-svc", l.Requests)
	}
	found := fmt.Sprintf("found %d of %d past orders and %d of %d of their steps (%d orders in all, %s read) in %s with %s",
		l.Found, l.Batch, l.Seen, l.Expected, l.Known, byteSize(l.Bytes), stats.Ms(float64(l.CatchUp.Microseconds())/1000), requests)

	if mode == config.ModeSync {
		slowed := slowedBy(addedTail, stats.Tail(d.Base.Placement))
		loaded := l.RequestsOK && l.Requests > 0
		o.Verdict = fmt.Sprintf("sync: a late reader has only order-svc's API (newest %d, no paging): it %s; %s", stateListLimit, found, deploy)
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
		return o
	}
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
	o.Verdict = fmt.Sprintf("events: a late reader read the three topics from offset 0 with a new consumer group: it %s; %s", found, deploy)
	if !o.Holds {
		o.Verdict += " — the claim did not show: " + strings.Join(not, "; ")
	}
	return o
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
