package brokerdown

import (
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
)

func TestFirstMove(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	order := func(steps ...api.Step) load.Placed { return load.Placed{Order: api.Order{Timeline: steps}} }
	r := load.Result{Orders: []load.Placed{
		order(api.Step{Step: "placed", At: at(0)}), // never moved
		order(api.Step{Step: "placed", At: at(time.Second)}, api.Step{Step: "reserved", At: at(9 * time.Second)}, api.Step{Step: "confirmed", At: at(12 * time.Second)}),
		order(api.Step{Step: "placed", At: at(2 * time.Second)}, api.Step{Step: "rejected", At: at(7 * time.Second)}),
	}}
	if got := firstMove(r); !got.Equal(at(7 * time.Second)) {
		t.Errorf("firstMove = %v, want the rejection at +7s (placing is no move)", got.Sub(t0))
	}
	if got := firstMove(load.Result{Orders: r.Orders[:1]}); !got.IsZero() {
		t.Errorf("nothing moved: firstMove = %v, want zero", got)
	}
}
