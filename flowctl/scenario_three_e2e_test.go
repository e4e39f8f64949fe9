package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// partA are the scenarios issue 21 first ran on the orchestrated stack.
var partA = []string{"happy-path", "downstream-down", "slow-downstream", "broker-down", "read-your-writes",
	"dual-write", "poison-message", "ops-cost"}

// TestScenariosThreeStacksNative runs part A of the scenarios on all three
// native stacks (--mode all) and asserts each holds on each stack, names
// its stack, leaves the ledger clean, and measured the orchestrated
// stack's own topics and groups; then the ledger check of the third stack.
func TestScenariosThreeStacksNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three stacks; skipped with -short")
	}
	c, _, _, _ := nativeCLI(t)
	args := append(append([]string{"scenario"}, partA...), "--mode", "all", "--json", "--no-jaeger",
		"--orders", "8", "--rate", "20", "--down-for", "1500ms", "--settle", "90s")
	stdout, stderr, err := c.run(args...)
	if err != nil {
		t.Fatalf("scenario --mode all: %v\nstderr:\n%s", err, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	for _, r := range rep.Runs {
		t.Logf("%s: %s", r.Scenario, r.Verdict())
	}
	checkThreeStacks(t, rep)
	checkOrchestratedNumbers(t, rep)
	checkAudit(t, c, stackmode.Orchestration)
}

// checkThreeStacks: every scenario ran on the three stacks, held on each,
// named the stack, and left no ledger breach; the log before is each
// brokered stack's.
func checkThreeStacks(t *testing.T, rep scenario.Report) {
	t.Helper()
	if len(rep.Runs) != len(partA) {
		t.Fatalf("%d runs, want %d", len(rep.Runs), len(partA))
	}
	for _, r := range rep.Runs {
		if len(r.Outcomes) != len(stackmode.All) {
			t.Errorf("%s: %d outcomes, want one per stack", r.Scenario, len(r.Outcomes))
		}
		for _, o := range r.Outcomes {
			if !o.Holds {
				t.Errorf("%s (%s) did not show its claim: %s", r.Scenario, o.Mode, o.Verdict)
			}
			if !strings.HasPrefix(o.Verdict, o.Mode+": ") {
				t.Errorf("%s (%s): verdict %q does not name the stack", r.Scenario, o.Mode, o.Verdict)
			}
			if b, ok := o.Metric(kit.LedgerBreaches.Key); !ok || b.Value != 0 {
				t.Errorf("%s (%s): ledger breaches %v (recorded %v)", r.Scenario, o.Mode, b.Value, ok)
			}
		}
	}
	for _, m := range []string{"events", "events-orchestration"} {
		if _, ok := rep.LogsBefore[m]; !ok {
			t.Errorf("no log before for %s: %+v", m, rep.LogsBefore)
		}
	}
	if rep.LogBefore == nil || *rep.LogBefore != rep.LogsBefore["events"] {
		t.Errorf("log_before %+v is not the events stack's %+v", rep.LogBefore, rep.LogsBefore["events"])
	}
}

// checkOrchestratedNumbers asserts the numbers behind the orchestrated
// stack's verdicts: measured on its own topics and groups.
func checkOrchestratedNumbers(t *testing.T, rep scenario.Report) {
	t.Helper()
	get := func(name string) *scenario.Outcome {
		for i := range rep.Runs {
			if rep.Runs[i].Scenario == name {
				if o := rep.Runs[i].Of(stackmode.Orchestration); o != nil {
					return o
				}
			}
		}
		t.Fatalf("no events-orchestration outcome for %s", name)
		return nil
	}
	for _, w := range []struct {
		scenario string
		metric   scenario.MetricKey
		ok       func(float64) bool
		what     string
	}{
		{"happy-path", "success_pct", eq(100), "all confirmed"},
		{"downstream-down", "accepted_pct", eq(100), "every order accepted while inventory was down"},
		{"downstream-down", "success_pct", eq(100), "every order confirmed after it came back"},
		{"downstream-down", "backlog_events", gt(0), "a backlog on inventory-svc's command topic while it was down"},
		{"slow-downstream", "placement_p99_ms", lt(300), "placement does not pay the 300 ms"},
		{"read-your-writes", "stale_read_pct", gt(0), "some reads are not final"},
		{"poison-message", "dead_letters", eq(1), "dead-lettered by the one consumer of orch.inventory.commands.v1"},
		{"broker-down", "accepted_pct", eq(100), "accepts while the broker is down"},
		{"broker-down", "success_pct", eq(100), "and confirms after it returns"},
		{"dual-write", "stuck_pending_outbox", eq(0), "the outbox loses none"},
		{"ops-cost", "ops_components", eq(4), "three services and the broker"},
	} {
		o := get(w.scenario)
		m, ok := o.Metric(w.metric)
		if !ok || !w.ok(m.Value) {
			t.Errorf("%s (events-orchestration): %s = %g (recorded %v), want %s — verdict: %s", w.scenario, w.metric, m.Value, ok, w.what, o.Verdict)
		}
	}
	dw := get("dual-write")
	if _, ran := dw.Metric("stuck_pending_direct"); ran || !strings.Contains(dw.Verdict, "not applicable") {
		t.Errorf("dual-write (events-orchestration) ran the direct round or did not say why not: %s", dw.Verdict)
	}
	if p := get("poison-message"); !strings.Contains(p.Verdict, "orch.inventory.commands.v1") {
		t.Errorf("poison-message (events-orchestration) did not use the stack's command topic: %s", p.Verdict)
	}
}
