package scaleout

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

var t0 = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }

// scripted is a run of 10 s windows with two orders a second in each,
// every one CONFIRMED 50 ms after it was sent (placement 20 ms).
func scripted(mode stackmode.Mode) scaleRun {
	names := []string{WindowOne, WindowOut, WindowThree, WindowIn, WindowAfter}
	reps := []int{1, 3, 3, 1, 1}
	var ws []window
	var res load.Result
	for i, n := range names {
		ws = append(ws, window{Name: n, From: at(float64(10 * i)), To: at(float64(10 * (i + 1))), Replicas: reps[i]})
	}
	for k := range 100 {
		sent := at(float64(k) / 2)
		ttc := 50.0
		res.Orders = append(res.Orders, load.Placed{At: sent, HTTPStatus: 202, PlacementMS: 20,
			Order: api.Order{ID: "o", Status: "CONFIRMED", Final: true, UpdatedAt: sent.Add(50 * time.Millisecond), TimeToFinalMS: &ttc}})
	}
	s := scaleRun{Cores: 2, Others: 4, Rate: 2, Hold: 10 * time.Second, Res: res}
	if mode.Kafka() {
		s.Dups.add(map[string]float64{"#1": 0})
		s.Dups.add(map[string]float64{"#1": 7})
		s.Cap = &capRun{Partitions: 3, Stable: true, Group: members([]int{0}, []int{1}, []int{2}, nil)}
		ws[1].Rebalance = &settled{Stable: true, Took: 4 * time.Second, Group: members([]int{0}, []int{1}, []int{2})}
		ws[3].Rebalance = &settled{Stable: true, Took: 3 * time.Second, Group: members([]int{0, 1, 2})}
	} else {
		s.Balancer = balancerTally{OK: true, During: stack.BalancerCounts{Retried: 2, Refused: 2}}
	}
	s.Phases = split(res, ws)
	return s
}

func TestJudgeHolds(t *testing.T) {
	for _, m := range stackmode.All {
		o := judge(m, scripted(m))
		if !o.Holds {
			t.Errorf("%s: a clean run does not hold: %s", m, o.Verdict)
		}
		if !strings.HasPrefix(o.Verdict, string(m)+":") || !strings.Contains(o.Verdict, "2 cores") {
			t.Errorf("%s: verdict %q names neither the stack nor the cores", m, o.Verdict)
		}
		if bad := Def.Undeclared(o); len(bad) > 0 {
			t.Errorf("%s: %v", m, bad)
		}
		if got := o.Value(ThroughputOne.Key); got != 2 {
			t.Errorf("%s: throughput with 1 replica %g, want 2 orders/s (20 final in 10 s)", m, got)
		}
		if saysScale(o) == "" {
			t.Errorf("%s: no answer to the scale question", m)
		}
	}
}

// TestJudgeFails breaks each verdict on purpose.
func TestJudgeFails(t *testing.T) {
	failIn := func(s *scaleRun) {
		for i := range s.Res.Orders {
			if s.Res.Orders[i].At.Equal(at(31)) {
				s.Res.Orders[i].HTTPStatus, s.Res.Orders[i].Order.Status = 503, "FAILED"
			}
		}
	}
	cases := []struct {
		name    string
		mode    stackmode.Mode
		breakIt func(*scaleRun)
	}{
		{"sync: an order failed during the scale-in", stackmode.Sync, failIn},
		{"events: an order failed during the scale-in", stackmode.Events, failIn},
		{"events: an accepted order never final", stackmode.Events, func(s *scaleRun) { s.Res.Orders[3].Order.Final = false }},
		{"events: no idle member", stackmode.Events, func(s *scaleRun) { s.Cap.Group = members([]int{0}, []int{1}, []int{2}, []int{3}) }},
		{"orchestration: the group never settled", stackmode.Orchestration, func(s *scaleRun) { s.Cap.Stable = false }},
		{"orchestration: no cap checked", stackmode.Orchestration, func(s *scaleRun) { s.Cap = nil }},
		{"sync: the load ran out before the changes", stackmode.Sync, func(s *scaleRun) { s.Capped = true }},
		{"sync: the scale-in window missing", stackmode.Sync, func(s *scaleRun) { s.Phases = s.Phases[:3] }},
		{"sync: too few orders sent during the scale-in", stackmode.Sync, func(s *scaleRun) { s.Res.Orders = slices.DeleteFunc(s.Res.Orders, sentIn(30, 31)) }},
		{"events: too few orders sent during the scale-out", stackmode.Events, func(s *scaleRun) { s.Res.Orders = slices.DeleteFunc(s.Res.Orders, sentIn(10, 11)) }},
		{"events: the group not Stable after the scale-in", stackmode.Events, func(s *scaleRun) { s.Phases[3].Rebalance.Stable = false }},
		{"orchestration: the rebalance not watched", stackmode.Orchestration, func(s *scaleRun) { s.Phases[1].Rebalance = nil }},
	}
	for _, c := range cases {
		s := scripted(c.mode)
		c.breakIt(&s)
		s.Phases = split(s.Res, windowsOf(s.Phases))
		if o := judge(c.mode, s); o.Holds {
			t.Errorf("%s: holds: %s", c.name, o.Verdict)
		}
	}
}

// sentIn picks the orders sent between from and to (seconds).
func sentIn(from, to float64) func(load.Placed) bool {
	return func(p load.Placed) bool { return !p.At.Before(at(from)) && p.At.Before(at(to)) }
}

func windowsOf(ps []phase) []window {
	out := make([]window, len(ps))
	for i, p := range ps {
		out[i] = p.window
	}
	return out
}

func TestCoresSay(t *testing.T) {
	if l := coresLine(2, 4, stackmode.Events); !strings.Contains(l, "2 cores for 7 processes (services, the broker, flowctl's load): a CPU-bound ceiling cannot rise") || !strings.Contains(l, "not that scaling does not work") {
		t.Errorf("2 cores for 7 processes: %q", l)
	}
	if l := coresLine(16, 3, stackmode.Sync); l != "16 cores for 6 processes (services, flowctl's load)" {
		t.Errorf("16 cores for 6 processes: %q", l)
	}
	s := scripted(stackmode.Sync)
	s.Cores = 0 // a remote runtime
	o := judge(stackmode.Sync, s)
	if _, ok := o.Metric(Cores.Key); ok || !strings.Contains(o.Verdict, "cores: unknown (remote runtime)") {
		t.Errorf("remote runtime: cores recorded %v, verdict %q", ok, o.Verdict)
	}
}

func TestSplitCountsFinalByTheServicesClock(t *testing.T) {
	ws := []window{{Name: WindowOne, From: at(0), To: at(10)}, {Name: WindowOut, From: at(10), To: at(20)}}
	late := load.Placed{At: at(9), HTTPStatus: 202, PlacementMS: 5, Order: api.Order{Status: "CONFIRMED", Final: true, UpdatedAt: at(12)}}
	failed := load.Placed{At: at(11), HTTPStatus: 503, PlacementMS: 1, Order: api.Order{Status: "FAILED", Final: true, UpdatedAt: at(11)}}
	ps := split(load.Result{Orders: []load.Placed{late, failed}}, ws)
	if ps[0].Sent != 1 || ps[0].Final != 0 || ps[1].Sent != 1 || ps[1].Final != 1 || ps[1].Failed != 1 {
		t.Errorf("phases %+v: want the late order sent in the first and final in the second, the FAILED one failed and not final", ps)
	}
}
