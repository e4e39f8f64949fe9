package poison

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/kafkalog"
)

// TestJudgePoison: each mode holds when the malformed message was set
// aside and stored nothing, and records only metrics its definition names.
func TestJudgePoison(t *testing.T) {
	dead := []kafkalog.DLQEntry{{Group: "inventory-svc.events"}}
	for _, c := range []struct {
		name  string
		mode  config.Mode
		p     poisoned
		holds bool
		says  string
	}{
		{"sync: refused with a problem", config.ModeSync, poisoned{Status: 400, CType: "application/problem+json"}, true, "refused at the door (400"},
		{"sync: stored anyway", config.ModeSync, poisoned{Status: 400, CType: "application/problem+json", Changed: []string{"orders: 1 new"}}, false, "CHANGED state"},
		{"events: dead-lettered, the orders behind a retry invoiced", config.ModeEvents, poisoned{Entries: dead, Stamped: true, DLQ: 40 * time.Millisecond,
			Retry: retried{AllInvoiced: true, Waits: []partitionWait{{Partition: 0, Head: "a", Behind: 2, MaxWait: time.Second}}}}, true, "2 orders queued behind"},
		{"events: not dead-lettered", config.ModeEvents, poisoned{Retry: retried{AllInvoiced: true}}, false, "dead-lettered by"},
		{"events: an order left uninvoiced", config.ModeEvents, poisoned{Entries: dead, Retry: retried{}}, false, "NOT every order"},
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
