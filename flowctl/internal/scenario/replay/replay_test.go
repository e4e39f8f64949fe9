package replay

import (
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	oapi "github.com/orderflow/flowctl/internal/api/client"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestJudgeReplay: events hold when the read model agrees with the live
// state and the trail has the order's steps; sync while the API keeps every
// step. Both record only what the definition names.
func TestJudgeReplay(t *testing.T) {
	step := func(s string) api.Step { return api.Step{Step: oapi.TimelineStepStep(s)} }
	full := api.Order{ID: "3f1c2a9e-8b7d", Timeline: []api.Step{step("placed"), step("reserved"), step("invoiced"), step("confirmed")}}
	live := api.Totals{Count: 1, TotalCents: 1299, Currency: "EUR"}
	model := kit.NewReadModel()
	model.Invoices, model.InvoicedCents = 1, 1299
	trail := []string{"placed", "reserved", "invoiced"}
	for _, c := range []struct {
		name  string
		mode  stackmode.Mode
		r     replayed
		holds bool
		says  string
	}{
		{"sync: the API keeps every step", stackmode.Sync, replayed{Fresh: full, Orders: []api.Order{full}, Live: live}, true, "sync: no event log — the APIs keep 4 of the 4 steps"},
		{"sync: a step lost", stackmode.Sync, replayed{Fresh: api.Order{ID: "x", Timeline: full.Timeline[:2]}, Live: live}, false, "keep 2 of the 4"},
		{"events: the model agrees", stackmode.Events, replayed{Order: full, Live: live, RunLive: live, Model: model, Check: kit.LiveCheck{Agree: 3}, Trail: trail}, true, "it agrees with every one"},
		{"events-orchestration: five messages, the model agrees", stackmode.Orchestration, replayed{Order: full, Live: live, RunLive: live, Model: model, Check: kit.LiveCheck{Agree: 3}, Trail: append(trail, "ReserveStock", "IssueInvoice")}, true, "events-orchestration: 0 messages"},
		{"events-orchestration: a trail of three is short of the commands", stackmode.Orchestration, replayed{Order: full, Live: live, RunLive: live, Model: model, Check: kit.LiveCheck{Agree: 3}, Trail: trail}, false, "trail is 3 messages in the log (a confirmed order's: 5)"},
		{"events: the model disagrees", stackmode.Events, replayed{Order: full, Live: live, RunLive: live, Model: model, Check: kit.LiveCheck{Agree: 2, Disagree: 1}, Trail: trail}, false, "DISAGREES with 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, c.r)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds || !strings.Contains(o.Verdict, c.says) {
				t.Errorf("holds = %v, verdict %q; want %v and %q", o.Holds, o.Verdict, c.holds, c.says)
			}
			if m, ok := o.Metric(LiveTotal.Key); !ok || m.Unit != "EUR" {
				t.Errorf("live total %+v, want it in EUR", m)
			}
		})
	}
}
