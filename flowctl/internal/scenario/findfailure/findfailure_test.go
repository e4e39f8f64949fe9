package findfailure

import (
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/investigate"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestJudgeFindTheFailure: one metric of each kind per propagation tried,
// the first one's trace among the details, and in events mode the stuck
// order's recovery; nothing the definition does not name.
func TestJudgeFindTheFailure(t *testing.T) {
	found := func(traces, lookups int) failedOrder {
		return failedOrder{order: api.Order{ID: "o-1", Status: "PENDING"}, recovered: 2 * time.Second,
			inv: investigate.Investigation{Traces: traces, Lookups: lookups, Explained: true, Failure: &api.Span{},
				FailureText: "failed in invoicing-svc: injected fault"}}
	}
	r := traced{Tried: []tried{{config.PropagationChild, found(1, 1)}, {config.PropagationOff, found(3, 6)}}, Trace: []string{"a waterfall line"}}
	o := judge(stackmode.Events, r)
	if bad := Def.Undeclared(o); len(bad) > 0 {
		t.Errorf("metrics the definition lacks: %v", bad)
	}
	if !o.Holds || !strings.HasPrefix(o.Verdict, "events: the order did not fail, it got stuck") {
		t.Errorf("holds = %v, verdict %q", o.Holds, o.Verdict)
	}
	if o.Value(Traces.Key("off")) != 3 || o.Value(Lookups.Key("child")) != 1 || o.Value(Recovered.Key) != 2000 {
		t.Errorf("metrics %+v", o.Metrics)
	}
	if i := strings.Index(strings.Join(o.Details, "\n"), "a waterfall line"); i < 0 || i > strings.Index(strings.Join(o.Details, "\n"), "TRACE_PROPAGATION=off") {
		t.Errorf("the trace is not drawn after the first propagation's lines: %q", o.Details)
	}
	if s := judge(stackmode.Sync, r); s.Value(Recovered.Key) != 0 || !strings.HasPrefix(s.Verdict, "sync: the order FAILED at once") {
		t.Errorf("sync: %q, recovered %v", s.Verdict, s.Value(Recovered.Key))
	}
}
