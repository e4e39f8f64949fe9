package paymentdeclined

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

// order is one order of a measured batch: its answer, where it ended, when
// (ms after t0) and its reservation row, if any.
type order struct {
	doomed   bool
	code     int
	answered oapi.OrderStatus
	final    oapi.OrderStatus
	finalMS  float64
	row      *api.Reservation
}

func row(status oapi.ReservationStatus, from, to int) *api.Reservation {
	r := api.Reservation{Status: status, CreatedAt: ms(from)}
	if to > 0 {
		r.ReleasedAt = ms(to)
	}
	return &r
}

func batch(orders ...order) declined {
	m := declined{Rows: kit.Rows{}}
	for i, o := range orders {
		id := string(rune('a' + i))
		got := api.Order{ID: id, Status: o.final, Final: o.final != "PENDING"}
		if got.Final {
			got.TimeToFinalMS = &o.finalMS
		}
		if o.final == "REJECTED" {
			got.Timeline = []api.Step{{Step: oapi.Rejected, At: ms(int(o.finalMS))}}
		}
		m.Res.Orders = append(m.Res.Orders, load.Placed{HTTPStatus: o.code, Order: got})
		m.Answered = append(m.Answered, string(o.answered))
		m.Doomed = append(m.Doomed, o.doomed)
		if o.row != nil {
			m.Rows[id] = []api.Reservation{*o.row}
		}
		if !o.doomed {
			m.Units++
		}
	}
	return m
}

func TestJudgePaymentDeclined(t *testing.T) {
	for _, c := range []struct {
		name     string
		mode     stackmode.Mode
		orders   []order
		holds    bool
		late     float64
		rejected float64
	}{
		{"events: accepted, failed later, a paying order rejected during a hold", stackmode.Events, []order{
			{true, 202, "PENDING", "FAILED", 120, row("RELEASED", 10, 110)},
			{false, 202, "PENDING", "REJECTED", 50, row("REJECTED", 50, 0)},
			{true, 202, "PENDING", "FAILED", 200, row("RELEASED", 150, 190)},
			{false, 202, "PENDING", "CONFIRMED", 60, row("RESERVED", 160, 0)},
		}, true, 2, 1},
		{"events: a paying rejection outside every hold does not count", stackmode.Events, []order{
			{true, 202, "PENDING", "FAILED", 120, row("RELEASED", 10, 110)},
			{false, 202, "PENDING", "REJECTED", 300, row("REJECTED", 300, 0)},
		}, true, 1, 0},
		{"events: a doomed order still holding its stock", stackmode.Events, []order{
			{true, 202, "PENDING", "FAILED", 120, row("RELEASED", 10, 110)},
			{true, 202, "PENDING", "RESERVED", 0, row("RESERVED", 20, 0)},
		}, false, 1, 0},
		{"events: no decline at all (the limit did not take)", stackmode.Events, []order{
			{true, 202, "PENDING", "CONFIRMED", 80, row("RESERVED", 10, 0)},
			{false, 202, "PENDING", "CONFIRMED", 80, row("RESERVED", 20, 0)},
		}, false, 0, 0},
		{"events-orchestration: accepted, failed after order-svc's release", stackmode.Orchestration, []order{
			{true, 202, "PENDING", "FAILED", 160, row("RELEASED", 10, 150)},
			{false, 202, "PENDING", "REJECTED", 50, row("REJECTED", 50, 0)},
		}, true, 1, 1},
		{"events-orchestration: a doomed order confirmed", stackmode.Orchestration, []order{
			{true, 202, "PENDING", "CONFIRMED", 90, row("RESERVED", 10, 0)},
		}, false, 0, 0},
		{"sync: told FAILED in the answer, held a few ms", stackmode.Sync, []order{
			{true, 402, "FAILED", "FAILED", 9, row("RELEASED", 2, 6)},
			{false, 201, "CONFIRMED", "CONFIRMED", 8, row("RESERVED", 12, 0)},
			{true, 402, "FAILED", "FAILED", 9, row("RELEASED", 22, 25)},
			{false, 409, "REJECTED", "REJECTED", 24, nil},
		}, true, 0, 1},
		{"sync: a doomed order confirmed", stackmode.Sync, []order{
			{true, 201, "CONFIRMED", "CONFIRMED", 9, row("RESERVED", 2, 0)},
			{false, 201, "CONFIRMED", "CONFIRMED", 8, row("RESERVED", 12, 0)},
		}, false, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, batch(c.orders...))
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds {
				t.Errorf("holds = %v, want %v (%s)", o.Holds, c.holds, o.Verdict)
			}
			if got := o.Value(AcceptedThenFailed.Key); got != c.late {
				t.Errorf("accepted then failed = %g, want %g", got, c.late)
			}
			if got := o.Value(RejectedWhileHeld.Key); got != c.rejected {
				t.Errorf("rejected while held = %g, want %g (%s)", got, c.rejected, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, string(c.mode)+": ") {
				t.Errorf("verdict %q does not start with the mode", o.Verdict)
			}
			if c.mode == stackmode.Orchestration && !strings.Contains(o.Verdict, "order-svc heard the PaymentDeclined reply and sent ReleaseStock") {
				t.Errorf("verdict %q does not say the orchestrator released", o.Verdict)
			}
		})
	}
}

// TestHeldAndFailedTimes: the hold is each doomed reservation's created_at
// to released_at and the FAILED time the order's own, each with its sample
// count in the label; without samples neither is reported.
func TestHeldAndFailedTimes(t *testing.T) {
	o := judge(stackmode.Events, batch(
		order{true, 202, "PENDING", "FAILED", 120, row("RELEASED", 10, 110)},
		order{true, 202, "PENDING", "FAILED", 300, row("RELEASED", 150, 190)},
	))
	if o.Value(HeldN.Key) != 2 || o.Value(HeldTail.Key) != 100 || o.Value(HeldP50.Key) != 40 {
		t.Errorf("held n %g, p50 %g, max %g; want 2, 40, 100", o.Value(HeldN.Key), o.Value(HeldP50.Key), o.Value(HeldTail.Key))
	}
	if m, _ := o.Metric(HeldTail.Key); m.Label != "stock held for a doomed order max (n=2)" {
		t.Errorf("label %q", m.Label)
	}
	if o.Value(FailedN.Key) != 2 || o.Value(FailedTail.Key) != 300 {
		t.Errorf("failed n %g, max %g", o.Value(FailedN.Key), o.Value(FailedTail.Key))
	}
	o = judge(stackmode.Sync, batch(order{false, 201, "CONFIRMED", "CONFIRMED", 8, row("RESERVED", 1, 0)}))
	if _, ok := o.Metric(HeldP50.Key); ok {
		t.Error("a hold p50 without a single released doomed reservation")
	}
	if _, ok := o.Metric(FailedP50.Key); ok {
		t.Error("a FAILED p50 without a single FAILED order")
	}
}
