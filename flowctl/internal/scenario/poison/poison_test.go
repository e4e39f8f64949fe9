package poison

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestJudgePoison: each mode holds when the malformed message was set
// aside and stored nothing, and records only metrics its definition names.
func TestJudgePoison(t *testing.T) {
	groups := []string{"inventory-svc.events", "invoicing-svc.events"}
	dead := []kafkalog.DLQEntry{{Group: "inventory-svc.events"}, {Group: "invoicing-svc.events"}}
	orchGroups := []string{"orch.inventory-svc.events"}
	orchDead := []kafkalog.DLQEntry{{Group: "orch.inventory-svc.events"}}
	for _, c := range []struct {
		name  string
		mode  stackmode.Mode
		p     poisoned
		holds bool
		says  string
	}{
		{"sync: refused with a problem", stackmode.Sync, poisoned{Status: 400, CType: "application/problem+json"}, true, "refused at the door (400"},
		{"sync: stored anyway", stackmode.Sync, poisoned{Status: 400, CType: "application/problem+json", Changed: []string{"orders: 1 new"}}, false, "CHANGED state"},
		{"events: dead-lettered, the orders behind a retry invoiced", stackmode.Events, poisoned{Groups: groups, Entries: dead, Stamped: true, DLQ: 40 * time.Millisecond,
			Retry: retried{AllInvoiced: true, Waits: []partitionWait{{Partition: 0, Head: "a", Behind: 2, MaxWait: time.Second}}}}, true, "2 orders queued behind"},
		{"events: not dead-lettered", stackmode.Events, poisoned{Groups: groups, Retry: retried{AllInvoiced: true}}, false, "dead-lettered by"},
		{"events: one consumer of orders.v1 did not dead-letter it", stackmode.Events, poisoned{Groups: groups, Topic: "orders.v1", Entries: dead[:1], Retry: retried{AllInvoiced: true}},
			false, "NOT dead-lettered by invoicing-svc.events, which consume(s) orders.v1 too"},
		{"events: an order left uninvoiced", stackmode.Events, poisoned{Groups: groups, Entries: dead, Retry: retried{}}, false, "NOT every order"},
		{"orchestration: dead-lettered by inventory-svc, the orders behind a retried IssueInvoice invoiced", stackmode.Orchestration,
			poisoned{Type: "ReserveStock", Topic: "orch.inventory.commands.v1", Groups: orchGroups, Entries: orchDead, Stamped: true, DLQ: 40 * time.Millisecond,
				Retry: retried{Type: "IssueInvoice", AllInvoiced: true, Waits: []partitionWait{{Partition: 0, Head: "a", Behind: 2, MaxWait: time.Second}}}},
			true, "events-orchestration: the malformed ReserveStock on orch.inventory.commands.v1 was dead-lettered by orch.inventory-svc.events"},
		{"orchestration: not dead-lettered", stackmode.Orchestration, poisoned{Groups: orchGroups, Retry: retried{AllInvoiced: true}}, false, "events-orchestration: "},
		{"orchestration: an order left uninvoiced", stackmode.Orchestration, poisoned{Groups: orchGroups, Entries: orchDead, Retry: retried{Type: "IssueInvoice"}},
			false, "retried IssueInvoice messages of 0 partitions"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := judge(c.mode, c.p)
			if bad := Def.Undeclared(o); len(bad) > 0 {
				t.Errorf("metrics the definition lacks: %v", bad)
			}
			if o.Holds != c.holds || !strings.Contains(o.Verdict, c.says) {
				t.Errorf("holds = %v, verdict %q; want %v and %q", o.Holds, o.Verdict, c.holds, c.says)
			}
		})
	}
}

// TestConsumerGroups: every service that consumes orders.v1 dead-letters its
// own copy of a malformed event, so poison waits for each of them.
func TestConsumerGroups(t *testing.T) {
	got := consumerGroups(&kit.Env{TopicPrefix: "p."}, kit.Target{Mode: stackmode.Events}, "orders.v1")
	if want := []string{"p.inventory-svc.events", "p.invoicing-svc.events"}; !slices.Equal(got, want) {
		t.Errorf("consumers of orders.v1 = %v, want %v", got, want)
	}
	found := []kafkalog.DLQEntry{{Group: "p.invoicing-svc.events"}}
	if got := missingGroups(found, []string{"p.inventory-svc.events", "p.invoicing-svc.events"}); !slices.Equal(got, []string{"p.inventory-svc.events"}) {
		t.Errorf("missing = %v", got)
	}
}

// TestInletFollowsTheStyle: the malformed message goes where the stack's
// consumers read — orders.v1 in choreography; in orchestration nothing
// consumes orders.v1, so inventory-svc's command topic, under "orch.".
func TestInletFollowsTheStyle(t *testing.T) {
	e := &kit.Env{TopicPrefix: "p."}
	tests := []struct {
		mode          stackmode.Mode
		want          inlet
		charge, ctype string
	}{
		{stackmode.Events, inlet{Topic: "p.orders.v1", Type: "OrderPlaced", Groups: []string{"p.inventory-svc.events", "p.invoicing-svc.events"}},
			"p.inventory.v1", "StockReserved"},
		{stackmode.Orchestration, inlet{Topic: "p.orch.inventory.commands.v1", Type: "ReserveStock", Groups: []string{"p.orch.inventory-svc.events"}},
			"p.orch.invoicing.commands.v1", "IssueInvoice"},
	}
	for _, tt := range tests {
		tg := kit.Target{Mode: tt.mode}
		got, err := inletOf(e, tg)
		if err != nil || got.Topic != tt.want.Topic || got.Type != tt.want.Type || !slices.Equal(got.Groups, tt.want.Groups) {
			t.Errorf("%s: inlet %+v, %v; want %+v", tt.mode, got, err, tt.want)
		}
		c, err := chargeOf(e, tg)
		if err != nil || c.Topic != tt.charge || c.Type != tt.ctype {
			t.Errorf("%s: charge %+v, %v; want %s on %s", tt.mode, c, err, tt.ctype, tt.charge)
		}
	}
}

// TestChargesAreWhatInvoicingConsumes: the charge table names a topic
// invoicing-svc really consumes in each style (platform/topology).
func TestChargesAreWhatInvoicingConsumes(t *testing.T) {
	for _, style := range topology.Styles {
		svc, err := topology.OfStyle(style, topology.InvoicingSvc)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := charges[style]; !ok || !slices.Contains(svc.Consumes, c.Topic) {
			t.Errorf("%s: charge %+v is not among invoicing-svc's topics %v", style, c, svc.Consumes)
		}
	}
}
