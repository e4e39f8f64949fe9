// Package readyourwrites is the read-your-writes scenario: each order read
// back a set gap after its answer; how often is it not final yet?
package readyourwrites

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"

	"github.com/orderflow/platform/retry"
)

// readGaps are how long after its answer each order is read back: order i
// waits readGaps[i % len], so every gap gets a share of the orders and a
// change of load during the run touches every group alike.
var readGaps = []time.Duration{0, 5 * time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond}

// Def is read-your-writes.
var Def = kit.Define(kit.Spec[readBack]{
	About: kit.About{
		Name:    "read-your-writes",
		Summary: "read each order right after placing it: share still PENDING, time-to-consistency distribution",
		Claim:   "events mean eventual consistency: right after placing an order its status depends on who caught up",
		Metrics: append(append(kit.LoadMetrics(), StaleReadPct), staleAt()...),
		Headline: []kit.MetricKey{kit.SuccessPct.Key, StaleReadPct.Key, kit.PlacementP50.Key, kit.TTCP99.Key,
			kit.PlacementP99.Key, kit.TTCP50.Key},
		Answers: []kit.Answer{{Question: kit.Consistency, Place: 1, Keys: []kit.MetricKey{StaleReadPct.Key}, Says: saysConsistency}},
	},
	Run: run,
	Judge: func(mode stackmode.Mode, r readBack) kit.Outcome {
		o := judgeReadYourWrites(mode, r.Summary, r.Reads)
		r.Followed.Put(&o)
		return o
	},
})

// StaleReadPct is the share of reads that were not final, whatever the gap.
var StaleReadPct = kit.MetricDef{Key: "stale_read_pct", Label: "not final when read back, any gap", Short: "stale reads", Unit: kit.UnitPct, N: kit.Orders.Key}

// staleAt are the stale-share metrics, one per readGaps entry.
func staleAt() []kit.MetricDef {
	out := make([]kit.MetricDef, len(readGaps))
	for i, g := range readGaps {
		out[i] = kit.MetricDef{Key: kit.MetricKey(fmt.Sprintf("stale_at_%dms_pct", g.Milliseconds())),
			Label: fmt.Sprintf("not final read +%d ms after the answer", g.Milliseconds()),
			Short: fmt.Sprintf("stale at +%d ms", g.Milliseconds()), Unit: kit.UnitPct}
	}
	return out
}

// readBack is what one mode's run measured: the batch, followed to the
// end, and each order's read right after its answer.
type readBack struct {
	Summary  load.Summary
	Reads    []gapRead
	Followed kit.Followed
}

// gapRead is one order read back: the gap it was meant to wait, the gap
// measured from the POST's answer to the GET being sent, and what it saw.
type gapRead struct {
	Group  int
	GapMS  float64
	Stale  bool
	Status string
}

// run places orders one at a time and reads each back a set gap after its
// answer, as a client that shows "your order" after the click would.
func run(ctx context.Context, e *kit.Env, t kit.Target) (readBack, error) {
	n := e.Size.Orders
	if err := e.Stock(ctx, t, "read-your-writes", stockup.Plan{AtLeast: stockup.Need(n, load.Mix)}); err != nil {
		return readBack{}, err
	}
	e.Step("  placing %d orders, each read back %s after its answer", n, gapList())
	res := load.Result{Orders: make([]load.Placed, 0, n)}
	reads := make([]gapRead, 0, n)
	start := time.Now()
	for i := range n {
		req := load.Mix(i)
		p := load.Placed{I: i, Request: req, At: time.Now()}
		got, err := t.Orders.Place(ctx, req)
		answeredAt := time.Now()
		p.PlacementMS = float64(answeredAt.Sub(p.At).Microseconds()) / 1000
		p.HTTPStatus, p.Order = got.HTTPStatus, got.Order
		if err != nil {
			return readBack{}, fmt.Errorf("place order %d: %w", i+1, err)
		}
		group := i % len(readGaps)
		if err := retry.Until(ctx, answeredAt.Add(readGaps[group])); err != nil {
			return readBack{}, err
		}
		readAt := time.Now()
		read, err := t.Orders.Get(ctx, p.Order.ID)
		if err != nil {
			return readBack{}, fmt.Errorf("read order %s back: %w", p.Order.ID, err)
		}
		reads = append(reads, gapRead{Group: group, GapMS: float64(readAt.Sub(answeredAt).Microseconds()) / 1000,
			Stale: !read.Final, Status: string(read.Status)})
		res.Orders = append(res.Orders, p)
		e.Advance("read-your-writes", i+1, n)
	}
	res.Took = time.Since(start)
	f, err := e.Follow(ctx, t, "read-your-writes", &res)
	if err != nil {
		return readBack{}, err
	}
	return readBack{Summary: load.Summarize(res), Reads: reads, Followed: f}, nil
}

// judgeReadYourWrites reports the stale share per gap group. Sync holds
// when no read was stale; events when reads right after the answer were
// stale and reads after the longest gap less often.
func judgeReadYourWrites(mode stackmode.Mode, s load.Summary, reads []gapRead) kit.Outcome {
	n := len(reads)
	o := kit.OutcomeOf(s, n)
	stale, firstRead := 0, map[string]int{}
	groupStale, groupN := make([]int, len(readGaps)), make([]int, len(readGaps))
	groupGaps := make([][]float64, len(readGaps))
	for _, r := range reads {
		firstRead[r.Status]++
		groupN[r.Group]++
		groupGaps[r.Group] = append(groupGaps[r.Group], r.GapMS)
		if r.Stale {
			stale++
			groupStale[r.Group]++
		}
	}
	o.PutAs(StaleReadPct, fmt.Sprintf("not final when read back, any gap (n=%d)", n), stats.Share(stale, n))
	shares := make([]string, len(readGaps))
	for g, gap := range readGaps {
		share := stats.Share(groupStale[g], groupN[g])
		// The label carries the sample count: 1 of 3 is not 33 % of anything
		// much.
		o.PutAs(staleAt()[g], fmt.Sprintf("not final read +%d ms after the answer (n=%d)", gap.Milliseconds(), groupN[g]), share)
		shares[g] = fmt.Sprintf("%.0f %%", share)
		o.Details = append(o.Details, fmt.Sprintf("gap +%d ms: %d of %d stale; measured gap %s", gap.Milliseconds(),
			groupStale[g], groupN[g], stats.Pct50Label(stats.Summarize(groupGaps[g]))))
	}
	o.Details = append(o.Details, "status when read back: "+kit.StatusList(firstRead))
	last := len(readGaps) - 1
	if mode == stackmode.Sync {
		o.Holds = stale == 0
		o.Verdict = fmt.Sprintf("sync: %d of %d orders read back %s after the answer were final (%s): the answer was the truth",
			n-stale, n, gapList(), kit.StatusList(firstRead))
		return o
	}
	// The claim shows when reads right after the answer saw a provisional
	// status and waiting made that rarer; a broker fast enough to win every
	// race, or staleness that waiting does not cure, does not show it.
	first, final := stats.Share(groupStale[0], groupN[0]), stats.Share(groupStale[last], groupN[last])
	o.Holds = groupN[0] > 0 && groupN[last] > 0 && first > 0 && final < first
	o.Verdict = fmt.Sprintf("%s: not final when read back +%s ms after the answer: %s (n=%d each); final after %s / %s",
		mode, gapNumbers(), strings.Join(shares, " → "), n/len(readGaps), stats.Pct50Label(s.TimeToFinal), stats.Pct99Label(s.TimeToFinal))
	return o
}

// gapList is "+0/5/20/100 ms".
func gapList() string { return "+" + gapNumbers() + " ms" }

func gapNumbers() string {
	parts := make([]string, len(readGaps))
	for i, g := range readGaps {
		parts[i] = fmt.Sprint(g.Milliseconds())
	}
	return strings.Join(parts, "/")
}
