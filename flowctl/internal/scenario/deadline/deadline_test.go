package deadline

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

var t0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

// cancelled is an events order accepted, CANCELLED by the deadline at
// cancelMS, with a reservation made at fromMS and released at toMS (0:
// still held; fromMS < 0: no row).
func cancelled(cancelMS, fromMS, toMS int) (load.Placed, []api.Reservation) {
	o := api.Order{ID: "o", Status: oapi.OrderStatusCANCELLED, Reason: "deadline", Final: true,
		Timeline: []api.Step{{Step: oapi.Placed, At: t0}, {Step: oapi.Cancelled, At: ms(cancelMS)}}}
	return load.Placed{HTTPStatus: 202, Order: o}, rows(fromMS, toMS)
}

func rows(fromMS, toMS int) []api.Reservation {
	if fromMS < 0 {
		return nil
	}
	r := api.Reservation{Status: oapi.ReservationStatusRESERVED, CreatedAt: ms(fromMS)}
	if toMS > 0 {
		r.Status, r.ReleasedAt = oapi.ReservationStatusRELEASED, ms(toMS)
	}
	return []api.Reservation{r}
}

// timedOutOrder is a sync order answered 503 FAILED after a timeout.
func timedOutOrder(reason string) (load.Placed, []api.Reservation) {
	return load.Placed{HTTPStatus: 503, PlacementMS: 2004, Order: api.Order{ID: "o", Status: oapi.OrderStatusFAILED, Final: true, Reason: reason}}, nil
}

func batch(orders ...func() (load.Placed, []api.Reservation)) measured {
	m := measured{Deadline: 2 * time.Second, PausedFor: 4 * time.Second, Latency: 3 * time.Second, Rows: kit.Rows{}}
	for i, f := range orders {
		p, rs := f()
		p.Order.ID = string(rune('a' + i))
		m.Res.Orders = append(m.Res.Orders, p)
		m.Rows[p.Order.ID] = rs
	}
	return m
}

func of(p load.Placed, rs []api.Reservation) func() (load.Placed, []api.Reservation) {
	return func() (load.Placed, []api.Reservation) { return p, rs }
}

const timeoutReason = `inventory-svc: Post "http://127.0.0.1:8182/reservations": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`

func TestJudgeDeadline(t *testing.T) {
	confirmed := of(load.Placed{HTTPStatus: 202, Order: api.Order{ID: "o", Status: "CONFIRMED", Final: true}}, rows(5, 0))
	for _, c := range []struct {
		name              string
		mode              stackmode.Mode
		m                 measured
		holds             bool
		cancelled, late   float64
		timedOut, stillOn float64
	}{
		{"events: every order cancelled, the late reservations released", stackmode.Events,
			batch(of(cancelled(2100, 4200, 4230)), of(cancelled(2150, 4201, 4260))), true, 2, 2, 0, 0},
		{"events: a late reservation still held", stackmode.Events,
			batch(of(cancelled(2100, 4200, 4230)), of(cancelled(2150, 4201, 0))), false, 2, 2, 0, 1},
		{"events: the deadline never fired (an order confirmed)", stackmode.Events,
			batch(of(cancelled(2100, 4200, 4230)), confirmed), false, 1, 1, 0, 0},
		{"events: cancelled, but no reservation came after the cancellation", stackmode.Events,
			batch(of(cancelled(2100, 50, 2200)), of(cancelled(2100, -1, 0))), false, 2, 0, 0, 0},
		{"events-orchestration: cancelled while RESERVING, order-svc released each late reservation", stackmode.Orchestration,
			batch(of(cancelled(2100, 4200, 4250)), of(cancelled(2150, 4201, 4270))), true, 2, 2, 0, 0},
		{"events-orchestration: a late reservation never released", stackmode.Orchestration,
			batch(of(cancelled(2100, 4200, 4250)), of(cancelled(2150, 4201, 0))), false, 2, 2, 0, 1},
		{"sync: every request failed by the timeout, nothing held", stackmode.Sync,
			batch(of(timedOutOrder(timeoutReason)), of(timedOutOrder(timeoutReason))), true, 0, 0, 2, 0},
		{"sync: a reservation left held after the timeout", stackmode.Sync,
			batch(of(timedOutOrder(timeoutReason)), of(load.Placed{HTTPStatus: 503, Order: api.Order{ID: "o", Status: "FAILED", Final: true, Reason: timeoutReason}}, rows(10, 0))), false, 0, 0, 2, 1},
		{"sync: failed, but not by the timeout", stackmode.Sync,
			batch(of(timedOutOrder("inventory-svc answered 500"))), false, 0, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, c.m)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			for k, want := range map[kit.MetricKey]float64{CancelledByDeadline.Key: c.cancelled, ReservedAfterCancel.Key: c.late, TimedOut.Key: c.timedOut, StillHeld.Key: c.stillOn} {
				if got := o.Value(k); got != want {
					t.Errorf("%s = %g, want %g", k, got, want)
				}
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not start with the mode", o.Verdict)
			}
			if c.mode == stackmode.Orchestration && !strings.Contains(o.Verdict, "order-svc waited for each late StockReserved reply") {
				t.Errorf("verdict %q does not say the orchestrator released", o.Verdict)
			}
		})
	}
}

// TestHeldWindow: the window is each cancelled order's reservation's own,
// created_at to released_at, with its sample count in the label.
func TestHeldWindow(t *testing.T) {
	o := judge(stackmode.Events, batch(of(cancelled(2100, 4200, 4230)), of(cancelled(2150, 4201, 4291)), of(cancelled(2150, 4202, 4252))))
	if o.Value(HeldN.Key) != 3 || o.Value(HeldP50.Key) != 50 || o.Value(HeldMax.Key) != 90 || o.Value(HeldTail.Key) != 90 {
		t.Errorf("held n %g p50 %g max %g tail %g; want 3, 50, 90, 90", o.Value(HeldN.Key), o.Value(HeldP50.Key), o.Value(HeldMax.Key), o.Value(HeldTail.Key))
	}
	if m, _ := o.Metric(HeldP50.Key); !strings.Contains(m.Label, "(n=3)") {
		t.Errorf("label %q lacks the sample count", m.Label)
	}
	o = judge(stackmode.Events, batch(of(cancelled(2100, -1, 0))))
	if _, ok := o.Metric(HeldP50.Key); ok {
		t.Error("a held p50 without a single released reservation")
	}
}
