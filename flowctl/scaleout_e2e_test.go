package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/kit"
	"github.com/orderflow/flowctl/internal/scenario/scaleout"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// postgresURL is TEST_DATABASE_URL (`scripts/postgres.sh url`); without it
// the test is skipped, or fails under REQUIRE_POSTGRES=1 (CI).
func postgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" && os.Getenv("REQUIRE_POSTGRES") == "1" {
		t.Fatal("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is empty: start one with `scripts/postgres.sh start` and export TEST_DATABASE_URL=$(scripts/postgres.sh url)")
	}
	if u == "" {
		t.Skip("replicas need PostgreSQL: export TEST_DATABASE_URL=$(scripts/postgres.sh url)")
	}
	return u
}

// TestScaleOutNative runs scale-out on the three native stacks on
// PostgreSQL: each holds (sync: no order failed while inventory-svc scaled
// in; events: every accepted order final and the replica beyond the
// partitions idle), names its stack, leaves the ledger clean and records
// the cores it had.
func TestScaleOutNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three stacks with replicas; skipped with -short")
	}
	url := postgresURL(t)
	c, _, _, _ := nativeCLI(t)
	c.env["DATABASE_URL"] = url
	stdout, stderr, err := c.run("scenario", "scale-out", "--mode", "all", "--json", "--no-jaeger",
		"--rate", "20", "--down-for", "2s", "--settle", "90s")
	if err != nil {
		t.Fatalf("scenario scale-out: %v\nstderr:\n%s", err, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if len(rep.Runs) != 1 || len(rep.Runs[0].Outcomes) != len(stackmode.All) {
		t.Fatalf("want one run with an outcome per stack: %+v", rep.Runs)
	}
	t.Logf("scale-out: %s", rep.Runs[0].Verdict())
	for _, o := range rep.Runs[0].Outcomes {
		if !o.Holds || !strings.HasPrefix(o.Verdict, o.Mode+": ") {
			t.Errorf("%s: %s", o.Mode, o.Verdict)
		}
		if b, ok := o.Metric(kit.LedgerBreaches.Key); !ok || b.Value != 0 {
			t.Errorf("%s: ledger breaches %v (recorded %v)", o.Mode, b.Value, ok)
		}
		if got := o.Value(scaleout.Cores.Key); int(got) != runtime.NumCPU() {
			t.Errorf("%s: cores %g, this machine has %d", o.Mode, got, runtime.NumCPU())
		}
		if stackmode.Mode(o.Mode).Kafka() && o.Value(scaleout.CapIdle.Key) < 1 {
			t.Errorf("%s: no idle replica beyond the partitions: %v", o.Mode, o.Details)
		}
		checkScaleOutCounts(t, o)
	}
}

// checkScaleOutCounts: natively a brokered stack records both rebalances
// and the redeliveries summed over each replica (not a lower bound), and
// sync what flowctl lb counted during the scale-in.
func checkScaleOutCounts(t *testing.T, o scenario.Outcome) {
	t.Helper()
	var want []kit.MetricKey
	if stackmode.Mode(o.Mode).Kafka() {
		want = []kit.MetricKey{scaleout.RebalanceOut.Key, scaleout.RebalanceIn.Key, scaleout.Duplicates.Key}
		if d, ok := o.Metric(scaleout.Duplicates.Key); ok && strings.Contains(d.Label, "lower bound") {
			t.Errorf("%s: redeliveries a lower bound natively: %s", o.Mode, d.Label)
		}
	} else {
		want = []kit.MetricKey{scaleout.RetriedScaleIn.Key, scaleout.RefusedScaleIn.Key, scaleout.BalancerFailedScaleIn.Key}
	}
	for _, k := range append(want, scaleout.SentScaleIn.Key) {
		if _, ok := o.Metric(k); !ok {
			t.Errorf("%s: %s not recorded: %v", o.Mode, k, o.Details)
		}
	}
}

// TestScaleOutNeedsPostgres: on SQLite the scenario stops with one line
// saying how to run it on PostgreSQL.
func TestScaleOutNeedsPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a stack; skipped with -short")
	}
	c, _, _, _ := nativeCLI(t)
	_, _, err := c.run("scenario", "scale-out", "--mode", "sync", "--no-jaeger", "--rate", "5", "--down-for", "1s")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(strings.TrimSpace(err.Error()), "\n") {
		t.Errorf("scale-out on SQLite: %v, want one line naming DATABASE_URL", err)
	}
}
