package downstreamdown

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestVerdictSaysWhatItsNumbersAre: the backlog says whose events wait
// where and when they were counted (59 for 60 orders: the outbox had not
// published the last), and the catch-up is in the table's unit (it once
// said "the last 0.0 s after it came back" beside 32 ms).
func TestVerdictSaysWhatItsNumbersAre(t *testing.T) {
	downAt := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	upAt := downAt.Add(5 * time.Second)
	var res load.Result
	for range 60 {
		res.Orders = append(res.Orders, load.Placed{HTTPStatus: 202, Order: api.Order{ID: "o", Status: "CONFIRMED", Final: true,
			UpdatedAt: upAt.Add(32 * time.Millisecond)}})
	}
	o := judgeDownstreamDown(stackmode.Events, outage{Res: res, N: 60, Accepted: 60, Backlog: 59, BacklogOK: true,
		BacklogOn: []string{"orders.v1", "invoicing.v1"}, DownAt: downAt, UpAt: upAt})
	for _, want := range []string{
		"(59 events waiting for inventory-svc in the topics it consumes (orders.v1, invoicing.v1), counted right after the last answer; the outbox had not yet published the other 1)",
		"the last 32 ms after it came back",
	} {
		if !strings.Contains(o.Verdict, want) {
			t.Errorf("verdict lacks %q:\n%s", want, o.Verdict)
		}
	}
}

// TestVerdictAndTableAgree: the catch-up the verdict says and the one the
// table and page 1 show are one number (31.6 ms was recorded as 31 and said
// as 32).
func TestVerdictAndTableAgree(t *testing.T) {
	downAt := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	upAt := downAt.Add(5 * time.Second)
	res := load.Result{Orders: []load.Placed{{HTTPStatus: 202, Order: api.Order{ID: "o", Status: "CONFIRMED", Final: true,
		UpdatedAt: upAt.Add(31600 * time.Microsecond)}}}}
	o := judgeDownstreamDown(stackmode.Events, outage{Res: res, N: 1, Accepted: 1, Backlog: 1, BacklogOK: true, DownAt: downAt, UpAt: upAt})
	m, ok := o.Metric(kit.CatchUp.Key)
	if !ok {
		t.Fatal("no catch-up recorded")
	}
	shown := kit.FormatValue(m.Value, m.Unit)
	if shown != "32 ms" || !strings.Contains(o.Verdict, "the last "+shown+" after it came back") {
		t.Errorf("table shows %q, verdict says:\n%s", shown, o.Verdict)
	}
}
