package laterejection

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// lateBatch is a followed batch: each order answered with code and status,
// then read final with status; a rejection comes rejectedAfterMS after
// placement.
type lateOrder struct {
	code            int
	answered, final oapi.OrderStatus
	rejectedAfterMS float64
}

func lateBatch(orders ...lateOrder) (load.Result, []string) {
	var res load.Result
	for _, o := range orders {
		res.Orders = append(res.Orders, load.Placed{HTTPStatus: o.code, Order: api.Order{ID: "o", Status: o.answered, Final: o.answered != "PENDING"}})
	}
	answered := answeredStatuses(res)
	for i, o := range orders {
		got := api.Order{ID: "o", Status: o.final, Final: o.final != "PENDING"}
		if o.final == "REJECTED" {
			got.Timeline = []api.Step{{Step: "placed"}, {Step: "rejected", AfterMS: o.rejectedAfterMS, At: time.Now()}}
		}
		res.Orders[i].Order = got
	}
	return res, answered
}

func TestJudgeLateRejection(t *testing.T) {
	accepted := func(final oapi.OrderStatus, after float64) lateOrder { return lateOrder{202, "PENDING", final, after} }
	confirmed := lateOrder{201, "CONFIRMED", "CONFIRMED", 0}
	rejectedAtOnce := lateOrder{409, "REJECTED", "REJECTED", 3}
	for _, c := range []struct {
		name          string
		mode          stackmode.Mode
		orders        []lateOrder
		holds         bool
		late, changed float64
	}{
		{"events: two told accepted, rejected later", stackmode.Events,
			[]lateOrder{accepted("CONFIRMED", 0), accepted("CONFIRMED", 0), accepted("REJECTED", 40), accepted("REJECTED", 90)}, true, 2, 4},
		{"events: no customer learned of a rejection later (stock sufficed)", stackmode.Events,
			[]lateOrder{accepted("CONFIRMED", 0), accepted("CONFIRMED", 0)}, false, 0, 2},
		{"events-orchestration: told accepted, rejected by the StockRejected reply", stackmode.Orchestration,
			[]lateOrder{accepted("CONFIRMED", 0), accepted("REJECTED", 70)}, true, 1, 2},
		{"events-orchestration: no rejection later", stackmode.Orchestration,
			[]lateOrder{accepted("CONFIRMED", 0)}, false, 0, 1},
		{"sync: every rejection in the answer", stackmode.Sync,
			[]lateOrder{confirmed, confirmed, rejectedAtOnce, rejectedAtOnce}, true, 0, 0},
		{"sync: an order told confirmed ended rejected", stackmode.Sync,
			[]lateOrder{confirmed, rejectedAtOnce, {201, "CONFIRMED", "REJECTED", 50}}, false, 1, 1},
		{"sync: no rejection at all shows nothing", stackmode.Sync,
			[]lateOrder{confirmed, confirmed}, false, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, answered := lateBatch(c.orders...)
			o := judgeLateRejection(c.mode, res, answered, 2)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if got := o.Value(LateRejected.Key); got != c.late {
				t.Errorf("told accepted then rejected = %g, want %g", got, c.late)
			}
			if got := o.Value(AnswerChanged.Key); got != c.changed {
				t.Errorf("answers changed = %g, want %g", got, c.changed)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not start with the mode", o.Verdict)
			}
			if c.mode == stackmode.Orchestration && !strings.Contains(o.Verdict, "StockRejected reply") {
				t.Errorf("verdict %q does not say how the rejection reached order-svc", o.Verdict)
			}
		})
	}
}

// TestLateRejectionDelay: the delay is each late rejection's own, from the
// timeline, with its sample count; none is reported without samples.
func TestLateRejectionDelay(t *testing.T) {
	res, answered := lateBatch(lateOrder{202, "PENDING", "REJECTED", 40}, lateOrder{202, "PENDING", "REJECTED", 90}, lateOrder{202, "PENDING", "CONFIRMED", 0})
	o := judgeLateRejection(stackmode.Events, res, answered, 1)
	if bad := Def.Undeclared(o); len(bad) > 0 {
		t.Errorf("metrics the definition lacks: %v", bad)
	}
	if o.Value(LateRejectionN.Key) != 2 || o.Value(LateRejectionTail.Key) != 90 {
		t.Errorf("delay n = %g, max = %g; want 2 samples, max 90", o.Value(LateRejectionN.Key), o.Value(LateRejectionTail.Key))
	}
	if p50 := o.Value(LateRejectionP50.Key); p50 != 40 && p50 != 65 {
		t.Errorf("delay p50 = %g, want one of the samples' middle", p50)
	}
	res, answered = lateBatch(lateOrder{202, "PENDING", "CONFIRMED", 0})
	o = judgeLateRejection(stackmode.Events, res, answered, 1)
	if bad := Def.Undeclared(o); len(bad) > 0 {
		t.Errorf("metrics the definition lacks: %v", bad)
	}
	if _, ok := o.Metric(LateRejectionP50.Key); ok {
		t.Error("a delay p50 without a single late rejection")
	}
}
