package cancelrace

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stats"
)

// run measures the usual time to consistency on a small baseline batch,
// then places the batch and cancels each order at a random moment within
// it, measured from the placement's answer (the moment a client first
// knows the id), and follows the orders until the cancelled ones'
// compensations are in.
func run(ctx context.Context, e *kit.Env, t kit.Target) (raced, error) {
	n := e.Size.Orders
	base := max(3, n/4)
	if err := e.StockFor(ctx, t, "cancel-race", n+base, nil); err != nil {
		return raced{}, err
	}
	window, err := baseline(ctx, e, t, base)
	if err != nil {
		return raced{}, err
	}
	m := raced{Window: window, Seed: uint64(time.Now().UnixNano())}
	rng := rand.New(rand.NewPCG(m.Seed, m.Seed))
	m.Cancels = make([]cancel, n)
	for i := range m.Cancels {
		m.Cancels[i].After = time.Duration(rng.Int64N(int64(window) + 1))
	}
	e.Step("  placing %d orders at %g/s, each cancelled 0–%s after its answer (seed %d)", n, e.Size.Rate, stats.Ms(ms(window)), m.Seed)
	var mu sync.Mutex
	var wg sync.WaitGroup
	res, err := load.Run(ctx, load.Config{Orders: t.Orders, Rate: e.Size.Rate, Count: n, Placed: func(p load.Placed) {
		if !p.HasID() {
			return
		}
		mu.Lock()
		after := m.Cancels[p.I].After
		mu.Unlock()
		wg.Go(func() {
			c := cancelAfter(ctx, t.Orders, p.Order.ID, after)
			mu.Lock()
			m.Cancels[p.I] = c
			mu.Unlock()
		})
	}})
	wg.Wait()
	if err != nil {
		return raced{}, fmt.Errorf("cancel-race: %w", err)
	}
	if m.Followed, err = e.Follow(ctx, t, "cancel-race", &res); err != nil {
		return raced{}, err
	}
	m.Res = res
	// A cancel that beat the reservation is released once inventory-svc
	// gets to the order: wait for its row before reading the timelines.
	if _, _, err := e.ReservationsOf(ctx, t, cancelledIDs(res), kit.Settled); err != nil {
		return raced{}, err
	}
	return m, awaitCompensations(ctx, e, t, &m.Res)
}

// cancelledIDs are the batch's CANCELLED orders.
func cancelledIDs(res load.Result) []string {
	var out []string
	for _, p := range res.Orders {
		if p.Order.Status == oapi.OrderStatusCANCELLED {
			out = append(out, p.Order.ID)
		}
	}
	return out
}

// baseline is the time to consistency p50 of a small batch placed and
// followed as usual (at least a millisecond).
func baseline(ctx context.Context, e *kit.Env, t kit.Target, n int) (time.Duration, error) {
	res, err := e.Place(ctx, t, "cancel-race baseline", n, e.Size.Rate, nil)
	if err != nil {
		return 0, err
	}
	if _, err := e.Follow(ctx, t, "cancel-race baseline", &res); err != nil {
		return 0, err
	}
	s := load.Summarize(res)
	if s.TimeToFinal.N == 0 {
		return 0, fmt.Errorf("cancel-race: none of the %d baseline orders became final within %s (%s)", n, e.Size.Settle, kit.StatusList(s.ByStatus))
	}
	e.Step("  baseline: time to consistency %s", stats.Pct50Label(s.TimeToFinal))
	return max(time.Millisecond, time.Duration(s.TimeToFinal.P50*float64(time.Millisecond))), nil
}

// cancelAfter waits after, then cancels the order.
func cancelAfter(ctx context.Context, orders *api.Orders, id string, after time.Duration) cancel {
	c := cancel{After: after}
	select {
	case <-ctx.Done():
		c.Err = ctx.Err().Error()
		return c
	case <-time.After(after):
	}
	got, err := orders.Cancel(ctx, id)
	c.Sent, c.HTTPStatus = true, got.HTTPStatus
	if err != nil && got.HTTPStatus != 409 {
		c.Err = err.Error()
	}
	return c
}

// awaitCompensations re-reads each CANCELLED order until its timeline
// shows the compensations it awaits (api.AwaitedCompensations) or Settle
// passes: in events they follow the status over Kafka.
func awaitCompensations(ctx context.Context, e *kit.Env, t kit.Target, res *load.Result) error {
	deadline := time.Now().Add(e.Size.Settle)
	for {
		waiting := 0
		for i := range res.Orders {
			o := &res.Orders[i].Order
			if len(api.AwaitedCompensations(*o)) == 0 {
				continue
			}
			got, err := t.Orders.Get(ctx, o.ID)
			if err != nil {
				return fmt.Errorf("cancel-race: re-read order %s: %w", kit.Short(o.ID), err)
			}
			*o = got
			if len(api.AwaitedCompensations(got)) > 0 {
				waiting++
			}
		}
		if waiting == 0 || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
