package poison

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestJudgePoison: each mode holds when the malformed message was set
// aside and stored nothing, and records only metrics its definition names.
func TestJudgePoison(t *testing.T) {
	groups := []string{"inventory-svc.events", "invoicing-svc.events"}
	dead := []kafkalog.DLQEntry{{Group: "inventory-svc.events"}, {Group: "invoicing-svc.events"}}
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
	got := consumerGroups(&kit.Env{TopicPrefix: "p."}, "orders.v1")
	if want := []string{"p.inventory-svc.events", "p.invoicing-svc.events"}; !slices.Equal(got, want) {
		t.Errorf("consumers of orders.v1 = %v, want %v", got, want)
	}
	found := []kafkalog.DLQEntry{{Group: "p.invoicing-svc.events"}}
	if got := missingGroups(found, []string{"p.inventory-svc.events", "p.invoicing-svc.events"}); !slices.Equal(got, []string{"p.inventory-svc.events"}) {
		t.Errorf("missing = %v", got)
	}
}
