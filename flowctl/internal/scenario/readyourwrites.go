package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stats"
	"github.com/orderflow/flowctl/internal/stockup"
)

// readYourWrites places orders one at a time and reads each back at once, as
// a client that shows "your order" right after the click would.
func readYourWrites(ctx context.Context, e *Env, t Target) (Outcome, error) {
	n := e.Size.Orders
	if err := e.stock(ctx, t, "read-your-writes", stockup.Plan{AtLeast: stockup.Need(n, load.Mix)}); err != nil {
		return Outcome{}, err
	}
	e.say("  placing %d orders, each read back at once", n)
	res := load.Result{Orders: make([]load.Placed, 0, n)}
	firstRead := map[string]int{}
	stale := 0
	var readMS []float64
	start := time.Now()
	for i := range n {
		req := load.Mix(i)
		p := load.Placed{I: i, Request: req, At: time.Now()}
		got, err := t.Orders.Place(ctx, req)
		p.PlacementMS = float64(time.Since(p.At).Microseconds()) / 1000
		p.HTTPStatus, p.Order = got.HTTPStatus, got.Order
		if err != nil {
			return Outcome{}, fmt.Errorf("place order %d: %w", i+1, err)
		}
		readAt := time.Now()
		read, err := t.Orders.Get(ctx, p.Order.ID)
		if err != nil {
			return Outcome{}, fmt.Errorf("read order %s back: %w", p.Order.ID, err)
		}
		readMS = append(readMS, float64(readAt.Sub(p.At).Microseconds())/1000)
		firstRead[string(read.Status)]++
		if !read.Final {
			stale++
		}
		res.Orders = append(res.Orders, p)
		e.progress("read-your-writes", i+1, n)
	}
	res.Took = time.Since(start)
	if _, err := e.follow(ctx, t, "read-your-writes", &res); err != nil {
		return Outcome{}, err
	}
	s := load.Summarize(res)
	o := outcomeOf(s, n)
	o.put(KeyStaleReadPct, "not final when read back", stats.Share(stale, n), "%")
	o.add("read_after_ms", "read back after (p50)", stats.Percentile(readMS, 50), "ms")
	o.Details = append(o.Details, "status when read back: "+statusList(firstRead))
	if t.Mode == config.ModeSync {
		o.Holds = stale == 0
		o.Verdict = fmt.Sprintf("sync: %d of %d orders read back right after placing were final (%s): the answer was the truth",
			n-stale, n, statusList(firstRead))
	} else {
		// The claim holds when at least one read saw a provisional status; a
		// broker fast enough to win every race would not show it.
		o.Holds = stale > 0
		o.Verdict = fmt.Sprintf("events: %d of %d orders read back %s after placing were not final yet (%s); final after p50 %s / p99 %s",
			stale, n, stats.Ms(stats.Percentile(readMS, 50)), statusList(firstRead), stats.Ms(s.TimeToFinal.P50), stats.Ms(s.TimeToFinal.P99))
	}
	return o, nil
}
