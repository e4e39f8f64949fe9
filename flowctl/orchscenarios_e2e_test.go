package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/evolution"
	"github.com/orderflow/flowctl/internal/scenario/findfailure"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/scenario/replay"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// orchScenarios are lane sb's scenarios of issue 21 (the rest run in lane
// sa's test): the log readers, find-the-failure and the saga's.
var orchScenarios = []string{"replay", "independent-evolution", "find-the-failure", "payment-declined", "deadline", "cancel-race", "late-rejection"}

// TestOrchestratedScenariosNative runs them on the orchestrated stack alone
// (native, Jaeger from source): each shows its claim, names the stack, leaves
// the ledger clean, and the log readers read that stack's own topics.
func TestOrchestratedScenariosNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the orchestrated stack; skipped with -short")
	}
	c, _, _, _ := nativeCLI(t)
	args := append(append([]string{"scenario"}, orchScenarios...), "--mode", string(stackmode.Orchestration), "--json",
		"--orders", "8", "--rate", "20", "--down-for", "1500ms", "--settle", "90s", "--propagation", "child,off")
	stdout, stderr, err := c.run(args...)
	if err != nil {
		t.Fatalf("scenario: %v\nstderr:\n%s", err, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Runs) != len(orchScenarios) {
		t.Fatalf("%d runs, want %d", len(rep.Runs), len(orchScenarios))
	}
	for _, r := range rep.Runs {
		if len(r.Outcomes) != 1 {
			t.Fatalf("%s: %d outcomes, want the orchestrated stack's", r.Scenario, len(r.Outcomes))
		}
		o := r.Outcomes[0]
		t.Logf("%s: %s", r.Scenario, o.Verdict)
		if !o.Holds || !strings.HasPrefix(o.Verdict, string(stackmode.Orchestration)+": ") {
			t.Errorf("%s: holds %v, verdict %q\n%+v", r.Scenario, o.Holds, o.Verdict, o.Metrics)
		}
		if b, ok := o.Metric(kit.LedgerBreaches.Key); !ok || b.Value != 0 {
			t.Errorf("%s: ledger breaches %+v (%v), want 0 checked\n%s", r.Scenario, b, ok, strings.Join(o.Details, "\n"))
		}
		checkOrchMetrics(t, r.Scenario, o)
	}
	checkAudit(t, c, stackmode.Orchestration)
}

// checkOrchMetrics: what the orchestrated stack's log holds, as measured.
func checkOrchMetrics(t *testing.T, name string, o scenario.Outcome) {
	t.Helper()
	want := map[string]map[kit.MetricKey]func(float64) bool{
		// One confirmed order: five messages, two of them commands.
		"replay": {replay.AuditEvents.Key: ge(5), replay.TotalsMatch.Key: eq(1)},
		// The fact topics hold only the placements: a third of a confirmed
		// order's steps, fewer when some were rejected.
		"independent-evolution": {evolution.LateFactStepsPct.Key: lt(100)},
		// The stuck order's newest message is IssueInvoice: one suspect.
		"find-the-failure": {findfailure.LogSuspects.Key: eq(1), findfailure.LogTopics.Key: ge(4)},
	}[name]
	for k, ok := range want {
		m, found := o.Metric(k)
		if !found || !ok(m.Value) {
			t.Errorf("%s: %s = %+v (recorded %v)", name, k, m, found)
		}
	}
}
