package dualwrite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// round builds a dual-write round of 4 attempts: ok orders answered with
// code and final, the crash's order unanswered, then refused requests; stuck
// of the committed orders (the crash's first) left PENDING for good, the
// others final.
func round(name string, crashed bool, code int, ok int, crashCommitted bool, stuck int) dwRound {
	r := dwRound{Name: name, Attempts: 4, Crashed: crashed, Stuck: map[string]bool{}}
	for i := range ok {
		id := fmt.Sprintf("ok-%d", i)
		r.Answers.Orders = append(r.Answers.Orders, load.Placed{HTTPStatus: code, Order: api.Order{ID: id, Status: "PENDING"}})
		r.Committed = append(r.Committed, api.Order{ID: id, Status: "CONFIRMED", Final: true})
	}
	for len(r.Answers.Orders) < r.Attempts {
		r.Answers.Orders = append(r.Answers.Orders, load.Placed{Err: "connection refused"})
	}
	if crashCommitted {
		r.Committed = append([]api.Order{{ID: "crash", Status: "CONFIRMED", Final: true}}, r.Committed...) // completed after the restart, unless stuck
	}
	for i := 0; i < stuck && i < len(r.Committed); i++ {
		r.Committed[i].Status, r.Committed[i].Final = oapi.OrderStatus("PENDING"), false
		r.Stuck[r.Committed[i].ID] = true
	}
	return r
}

func TestJudgeDualWrite(t *testing.T) {
	for _, c := range []struct {
		name   string
		mode   stackmode.Mode
		rounds []dwRound
		holds  bool
	}{
		{"events: direct lost the crash's order, the outbox none", stackmode.Events,
			[]dwRound{round(RoundOutbox, true, 202, 2, true, 0), round(RoundDirect, true, 202, 2, true, 1)}, true},
		{"events: direct lost nothing", stackmode.Events,
			[]dwRound{round(RoundOutbox, true, 202, 2, true, 0), round(RoundDirect, true, 202, 2, true, 0)}, false},
		{"events: the outbox left an order PENDING too", stackmode.Events,
			[]dwRound{round(RoundOutbox, true, 202, 2, true, 1), round(RoundDirect, true, 202, 2, true, 1)}, false},
		{"events: order-svc never crashed in the outbox round", stackmode.Events,
			[]dwRound{round(RoundOutbox, false, 202, 2, false, 0), round(RoundDirect, true, 202, 2, true, 1)}, false},
		{"orchestration: the outbox lost nothing; direct not applicable", stackmode.Orchestration,
			[]dwRound{round(RoundOutbox, true, 202, 2, true, 0)}, true},
		{"orchestration: the outbox left an order never announced", stackmode.Orchestration,
			[]dwRound{round(RoundOutbox, true, 202, 2, true, 1)}, false},
		{"orchestration: order-svc never crashed", stackmode.Orchestration,
			[]dwRound{round(RoundOutbox, false, 202, 2, false, 0)}, false},
		{"sync: the crash's order stuck, its client got no answer", stackmode.Sync,
			[]dwRound{round(RoundSync, true, 201, 2, true, 1)}, true},
		{"sync: a stuck order had been answered 201", stackmode.Sync,
			[]dwRound{round(RoundSync, true, 201, 2, false, 1)}, false},
		{"sync: no crash, nothing stuck", stackmode.Sync,
			[]dwRound{round(RoundSync, false, 201, 3, false, 0)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judgeDualWrite(c.mode, c.rounds)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not start with the mode", o.Verdict)
			}
			if c.mode == stackmode.Orchestration && !strings.Contains(o.Verdict, "not applicable here: ORDER_PUBLISH=direct is refused with SAGA=orchestration") {
				t.Errorf("verdict %q does not say why the direct round does not apply", o.Verdict)
			}
			for _, r := range c.rounds {
				if _, ok := o.Metric(Stuck.Key(r.Name)); !ok {
					t.Errorf("no %s metric", Stuck.Key(r.Name))
				}
			}
		})
	}
}

// TestRoundsOf: the orchestrated stack runs the outbox round alone, as
// platform/config refuses ORDER_PUBLISH=direct with SAGA=orchestration.
func TestRoundsOf(t *testing.T) {
	if got := roundsOf(stackmode.Events); len(got) != 2 || got[1] != RoundDirect {
		t.Errorf("events rounds = %v", got)
	}
	if got := roundsOf(stackmode.Orchestration); len(got) != 1 || got[0] != RoundOutbox {
		t.Errorf("orchestration rounds = %v", got)
	}
	env := map[string]string{"MODE": "events", "SAGA": "orchestration", "ORDER_PUBLISH": "direct"}
	if _, err := config.Load(topology.OrderSvc, func(k string) string { return env[k] }); err == nil || directApplies(stackmode.Orchestration) {
		t.Errorf("config accepts ORDER_PUBLISH=direct with SAGA=orchestration (%v), or the scenario thinks it applies", err)
	}
}

// TestDualWriteCounts: committed orders come from order-svc's list, not from
// the answers; an unanswered request counts as no answer, and a stuck order
// counts as told 2xx only when its own answer was one.
func TestDualWriteCounts(t *testing.T) {
	r := round(RoundSync, true, 201, 2, false, 1) // the first answered order stuck
	c := r.counts()
	if c.committed != 2 || c.noAnswer != 2 || c.notFinal != 1 || c.stuck != 1 || c.stuckTold2xx != 1 {
		t.Errorf("counts = %+v, want 2 committed, 2 unanswered, 1 not final, 1 stuck told 2xx", c)
	}
	r = round(RoundDirect, true, 202, 2, true, 1) // the crash's order stuck
	c = r.counts()
	if c.committed != 3 || c.stuck != 1 || c.stuckTold2xx != 0 {
		t.Errorf("counts = %+v, want 3 committed, 1 stuck, told 2xx 0", c)
	}
}

// TestCancelledByDeadline: only the sweeper's cancellation makes a final
// order worth checking for a lost OrderPlaced; a customer's cancel or any
// other end does not.
func TestCancelledByDeadline(t *testing.T) {
	for _, c := range []struct {
		status, reason string
		want           bool
	}{
		{"CANCELLED", "deadline", true},
		{"CANCELLED", "customer", false},
		{"CANCELLED", "unknown_order", false},
		{"CONFIRMED", "", false},
		{"PENDING", "", false},
	} {
		if got := cancelledByDeadline(api.Order{Status: api.OrderStatus(c.status), Reason: c.reason}); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.status, c.reason, got, c.want)
		}
	}
}
