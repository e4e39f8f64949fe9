package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/scenario/addastep"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestAddAStep runs add-a-step on the three native stacks (small batches)
// and asserts what each style's change touched: fraud-svc started
// everywhere; restarted order-svc (sync, orchestration) or inventory-svc
// and invoicing-svc (choreography); a message more per order in
// choreography, two in orchestration; sync's orders failing with fraud-svc
// down; and every stack put back without the check.
func TestAddAStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three stacks; skipped with -short")
	}
	c, runDir, _, _ := nativeCLI(t)
	out, stderr, err := c.run("scenario", "add-a-step", "--mode", "all", "--json", "--orders", "4", "--rate", "10", "--settle", "60s")
	if err != nil {
		t.Fatalf("scenario add-a-step: %v\n%s", err, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Runs) != 1 || len(rep.Runs[0].Outcomes) != 3 {
		t.Fatalf("report: %v\n%s", err, out)
	}
	restarted := map[string]float64{string(stackmode.Sync): 1, string(stackmode.Events): 2, string(stackmode.Orchestration): 1}
	for _, o := range rep.Runs[0].Outcomes {
		t.Logf("%s\n  %s", o.Verdict, strings.Join(o.Details, "\n  "))
		if !o.Holds {
			t.Errorf("%s does not hold: %s", o.Mode, o.Verdict)
		}
		if got := o.Value(addastep.Restarted.Key); got != restarted[o.Mode] || o.Value(addastep.Started.Key) != 1 {
			t.Errorf("%s: restarted %v, started %v; want %v and 1", o.Mode, got, o.Value(addastep.Started.Key), restarted[o.Mode])
		}
		if o.Mode != string(stackmode.Sync) && o.Value(addastep.TopicsAdded.Key) < 1 {
			t.Errorf("%s: no topic appeared with the step", o.Mode)
		}
	}
	for _, m := range stackmode.All {
		if _, err := os.Stat(filepath.Join(runDir, string(m), "fraud-check-on")); err == nil {
			t.Errorf("%s: still marked with the fraud check on", m)
		}
	}
	if st, _, _ := c.run("status"); strings.Contains(st, "fraud-svc") {
		t.Errorf("fraud-svc still listed after the stacks were put back:\n%s", st)
	}
}
