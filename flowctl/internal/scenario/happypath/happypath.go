// Package happypath is the happy-path scenario: orders at a steady rate with
// nothing broken.
package happypath

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/stats"
)

// Def is the happy path.
var Def = kit.Define(kit.Spec[batch]{
	About: kit.About{
		Name:     "happy-path",
		Summary:  "orders at a steady rate, nothing broken: placement latency and time to consistency, p50/p99",
		Claim:    "sync answers when everything is done; events answer at once and become consistent later",
		Metrics:  kit.LoadMetrics(),
		Headline: kit.LoadHeadline(),
		Answers:  []kit.Answer{{Question: kit.Consistency, Place: 2, Keys: []kit.MetricKey{kit.TTCP50.Key, kit.TTCP99.Key}, Says: saysConsistency}},
	},
	Run:   run,
	Judge: judge,
})

// batch is what one mode's run measured.
type batch struct {
	N        int
	Summary  load.Summary
	Followed kit.Followed
}

// run places orders at a steady rate and follows them until they are final.
func run(ctx context.Context, e *kit.Env, t kit.Target) (batch, error) {
	n, rate := e.Size.Orders, e.Size.Rate
	e.Step("  placing %d orders at %g/s", n, rate)
	res, err := e.Batch(ctx, t, "happy-path", n, rate, nil)
	if err != nil {
		return batch{}, err
	}
	f, err := e.Follow(ctx, t, "happy-path", &res)
	if err != nil {
		return batch{}, err
	}
	return batch{N: n, Summary: load.Summarize(res), Followed: f}, nil
}

// judge holds when every order was confirmed.
func judge(mode stackmode.Mode, b batch) kit.Outcome {
	s, n := b.Summary, b.N
	o := kit.OutcomeOf(s, n)
	b.Followed.Put(&o)
	confirmed := s.ByStatus["CONFIRMED"]
	o.Holds = confirmed == n
	if mode == stackmode.Sync {
		o.Verdict = fmt.Sprintf("sync: %d of %d confirmed; the client waited %s / %s for an answer that was already final",
			confirmed, n, stats.Pct50Label(s.Placement), stats.Pct99Label(s.Placement))
	} else {
		o.Verdict = fmt.Sprintf("%s: %d of %d confirmed; answered in %s / %s (202 PENDING), consistent after %s / %s",
			mode, confirmed, n, stats.Pct50Label(s.Placement), stats.Pct99Label(s.Placement), stats.Pct50Label(s.TimeToFinal), stats.Pct99Label(s.TimeToFinal))
	}
	return o
}
