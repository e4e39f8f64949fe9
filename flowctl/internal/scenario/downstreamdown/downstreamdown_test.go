package downstreamdown

import (
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDownstreamDownAcceptedMeans2xx: a sync order answered 503 has an id
// but was not accepted; the report once printed 100 % accepted for it.
func TestDownstreamDownAcceptedMeans2xx(t *testing.T) {
	downAt := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	upAt := downAt.Add(5 * time.Second)
	order := func(code int, status oapi.OrderStatus) load.Placed {
		final := status != "PENDING"
		return load.Placed{HTTPStatus: code, Order: api.Order{ID: "o", Status: status, Final: final, UpdatedAt: upAt.Add(time.Second)}}
	}
	batch := func(n int, p load.Placed) load.Result {
		r := load.Result{}
		for range n {
			r.Orders = append(r.Orders, p)
		}
		return r
	}
	for _, c := range []struct {
		name         string
		mode         stackmode.Mode
		res          load.Result
		holds        bool
		acceptedPct  float64
		failedPct    float64
		verdictStart string
	}{
		{"sync, inventory down: every order 503 FAILED", stackmode.Sync, batch(4, order(503, "FAILED")), true, 0, 100, "sync: 0 of 4 orders accepted"},
		{"sync, orders confirmed anyway: the claim does not show", stackmode.Sync, batch(4, order(201, "CONFIRMED")), false, 100, 0, "sync: 4 of 4 orders accepted"},
		{"events: 202 then confirmed", stackmode.Events, batch(4, order(202, "CONFIRMED")), true, 100, 0, "events: 4 of 4 accepted"},
		{"events refusing with 503: the claim does not show", stackmode.Events, batch(4, order(503, "FAILED")), false, 0, 100, "events: 0 of 4 accepted"},
		{"orchestration: 202 then confirmed", stackmode.Orchestration, batch(4, order(202, "CONFIRMED")), true, 100, 0, "events-orchestration: 4 of 4 accepted"},
		{"orchestration refusing with 503: the claim does not show", stackmode.Orchestration, batch(4, order(503, "FAILED")), false, 0, 100, "events-orchestration: 0 of 4 accepted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			accepted, failed := answerCounts(c.res)
			o := judgeDownstreamDown(c.mode, outage{Res: c.res, N: len(c.res.Orders), Accepted: accepted, Failed: failed,
				Backlog: 3, BacklogOK: true, DownAt: downAt, UpAt: upAt})
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if got := o.Value(kit.AcceptedPct.Key); got != c.acceptedPct {
				t.Errorf("accepted_pct = %g, want %g", got, c.acceptedPct)
			}
			if got := o.Value(FailedWhileDownPct.Key); got != c.failedPct {
				t.Errorf("failed_while_down_pct = %g, want %g", got, c.failedPct)
			}
			if len(o.Verdict) < len(c.verdictStart) || o.Verdict[:len(c.verdictStart)] != c.verdictStart {
				t.Errorf("verdict %q, want it to start %q", o.Verdict, c.verdictStart)
			}
		})
	}
}
