package kit

import (
	"context"
	"fmt"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
)

// FollowInterval is how coarsely a follow saw orders become final.
var FollowInterval = MetricDef{Key: "follow_interval_ms", Label: "orders re-read every (longest)", Short: "re-read every", Unit: UnitMS}

// Followed is what one follow of a batch cost: the orders still not final,
// how it polled and at most how fast. The caller keeps it for its outcome
// (Put).
type Followed struct {
	NotFinal int
	Stats    load.FollowStats
	Rate     float64
}

// Follow waits until the batch's orders are final or Settle passes.
func (e *Env) Follow(ctx context.Context, t Target, label string, res *load.Result) (Followed, error) {
	total := 0
	for _, p := range res.Orders {
		if p.HasID() {
			total++
		}
	}
	// Sized to the batch, as the bench's and load's readers are: a large
	// events batch must not wait on the reader (sync's orders need no read).
	f := Followed{Rate: load.ReadRateFor(total, e.Size.Settle)}
	var err error
	f.NotFinal, err = load.Follow(ctx, res, t.Orders, load.FollowConfig{
		Timeout:       e.Size.Settle,
		MaxGetsPerSec: f.Rate,
		Progress:      func(n int) { e.Advance(label+": final", total-n, total) },
		Stats:         &f.Stats,
	})
	if err == nil && f.Stats.Revisit > 0 {
		e.Step("  %s", f.line())
	}
	return f, err
}

// line says what the follow's polling cost in resolution: times to
// consistency come from the services' timestamps, but when flowctl saw an
// order final lags by up to the longest revisit.
func (f Followed) line() string {
	return fmt.Sprintf("followed with %d reads (≤ %.0f/s): an order was seen final up to %s after it was (times to consistency are the services' own, exact)",
		f.Stats.Gets, f.Rate, stats.Ms(float64(f.Stats.Revisit.Microseconds())/1000))
}

// Put records the follow's resolution on o, when it had to re-read.
func (f Followed) Put(o *Outcome) {
	if f.Stats.Revisit <= 0 {
		return
	}
	o.Put(FollowInterval, stats.Millis(f.Stats.Revisit))
	o.Details = append(o.Details, f.line())
}
