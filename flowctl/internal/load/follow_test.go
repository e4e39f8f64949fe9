package load

import (
	"context"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// stuckGetter answers PENDING and cancels the follow after stopAt reads.
type stuckGetter struct {
	gets   int
	stopAt int
	cancel context.CancelFunc
}

func (g *stuckGetter) Get(_ context.Context, id string) (api.Order, error) {
	g.gets++
	if g.gets == g.stopAt {
		g.cancel()
	}
	return api.Order{ID: id, Status: "PENDING"}, nil
}

// TestFollowBoundsItsReadRate: pending orders are read at most
// MaxGetsPerSec a second, not back to back, and the follow says how long
// an order went unread. Only lower bounds on time are asserted: a slow
// machine makes them hold more easily, never less.
func TestFollowBoundsItsReadRate(t *testing.T) {
	for _, c := range []struct {
		name    string
		rate    float64
		orders  int
		minTook time.Duration // (reads - 1) / rate
	}{
		{"4 orders at 100 reads/s", 100, 4, 11 * 10 * time.Millisecond},
		{"1 order at 50 reads/s", 50, 1, 11 * 20 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			g := &stuckGetter{stopAt: 12, cancel: cancel}
			orders := make([]*api.Order, c.orders)
			for i := range orders {
				orders[i] = &api.Order{ID: "o", Status: "PENDING"}
			}
			var st FollowStats
			start := time.Now()
			notFinal, err := FollowOrders(ctx, orders, g, FollowConfig{Every: time.Millisecond, MaxGetsPerSec: c.rate, Timeout: time.Minute, Stats: &st})
			took := time.Since(start)
			if err == nil || notFinal != c.orders {
				t.Fatalf("interrupted follow = %d not final, %v; want %d and an error", notFinal, err, c.orders)
			}
			if st.Gets != 12 || g.gets != 12 {
				t.Fatalf("stats say %d reads, the getter saw %d; want 12", st.Gets, g.gets)
			}
			if took < c.minTook {
				t.Errorf("12 reads at %g/s took %s, want ≥ %s", c.rate, took, c.minTook)
			}
			// Each order waits for the others' reads: its revisit is at
			// least orders / rate.
			if minRevisit := time.Duration(float64(c.orders) / c.rate * float64(time.Second)); st.Revisit < minRevisit {
				t.Errorf("revisit %s, want ≥ %s", st.Revisit, minRevisit)
			}
		})
	}
}
