package cancelrace

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// raceOrder is one order of a measured batch: what its cancel was
// answered (0: never sent), where it ended and the steps its timeline shows.
type raceOrder struct {
	code  int
	final oapi.OrderStatus
	steps []oapi.TimelineStepStep
}

func batch(orders ...raceOrder) raced {
	m := raced{Window: 80 * time.Millisecond, Seed: 7}
	for i, o := range orders {
		got := api.Order{ID: string(rune('a' + i)), Status: o.final, Final: o.final != "PENDING"}
		for _, s := range o.steps {
			got.Timeline = append(got.Timeline, api.Step{Step: s})
		}
		m.Res.Orders = append(m.Res.Orders, load.Placed{HTTPStatus: 202, Order: got})
		m.Cancels = append(m.Cancels, cancel{Sent: o.code != 0, HTTPStatus: o.code})
	}
	return m
}

var (
	wonReleased = raceOrder{202, "CANCELLED", []oapi.TimelineStepStep{oapi.Placed, oapi.Cancelled, oapi.Reserved, oapi.Released}}
	wonVoided   = raceOrder{202, "CANCELLED", []oapi.TimelineStepStep{oapi.Placed, oapi.Reserved, oapi.Invoiced, oapi.Cancelled, oapi.Released, oapi.Voided}}
	wonAwaiting = raceOrder{202, "CANCELLED", []oapi.TimelineStepStep{oapi.Placed, oapi.Reserved, oapi.Cancelled}}
	tooLate     = raceOrder{409, "CONFIRMED", []oapi.TimelineStepStep{oapi.Placed, oapi.Reserved, oapi.Invoiced, oapi.Confirmed}}
)

func TestJudgeCancelRace(t *testing.T) {
	for _, c := range []struct {
		name                   string
		mode                   stackmode.Mode
		m                      raced
		holds                  bool
		won, late, rel, voided float64
	}{
		{"events: some cancels won, compensated; one too late", stackmode.Events, batch(wonReleased, wonVoided, tooLate), true, 2, 1, 2, 1},
		{"events: every cancel too late shows nothing", stackmode.Events, batch(tooLate, tooLate), false, 0, 2, 0, 0},
		{"events: a cancelled order still awaits its release", stackmode.Events, batch(wonReleased, wonAwaiting), false, 2, 0, 1, 0},
		{"events: a 409 on an order that ended CANCELLED", stackmode.Events, batch(wonReleased, raceOrder{409, "CANCELLED", nil}), false, 1, 1, 1, 0},
		{"events: a cancel answered with an error", stackmode.Events, batch(wonReleased, raceOrder{503, "CONFIRMED", nil}), false, 1, 0, 1, 0},
		{"events-orchestration: cancels won, order-svc sent the compensations", stackmode.Orchestration, batch(wonReleased, wonVoided, tooLate), true, 2, 1, 2, 1},
		{"events-orchestration: a cancelled order still awaits its release", stackmode.Orchestration, batch(wonVoided, wonAwaiting), false, 2, 0, 1, 1},
		{"sync: every cancel too late (the id comes with the final answer)", stackmode.Sync, batch(tooLate, tooLate, tooLate), true, 0, 3, 0, 0},
		{"sync: a cancel that won contradicts the lesson", stackmode.Sync, batch(tooLate, wonReleased), false, 1, 1, 1, 0},
		{"sync: no cancel sent", stackmode.Sync, batch(raceOrder{0, "CONFIRMED", nil}), false, 0, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, c.m)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			for _, v := range []struct {
				what      string
				got, want float64
			}{{"won", o.Value(Won.Key), c.won}, {"too late", o.Value(TooLate.Key), c.late}, {"released", o.Value(Released.Key), c.rel}, {"voided", o.Value(Voided.Key), c.voided}} {
				if v.got != v.want {
					t.Errorf("%s = %g, want %g", v.what, v.got, v.want)
				}
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") || !strings.Contains(o.Verdict, "seed 7") {
				t.Errorf("verdict %q does not start with the mode or lacks the seed", o.Verdict)
			}
			if c.mode == stackmode.Orchestration && !strings.Contains(o.Verdict, "each sent by order-svc") {
				t.Errorf("verdict %q does not say the orchestrator compensated", o.Verdict)
			}
		})
	}
}
