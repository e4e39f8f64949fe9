package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/comparereport"
)

// TestCompareThreeStacks is `make demo` in small natively: compare's
// default brings the three stacks up and reports a column each, the ledger
// check of the three agrees after it, and the walkthrough runs on the
// orchestrated stack.
func TestCompareThreeStacks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three stacks; skipped with -short")
	}
	c, _, _, _ := nativeCLI(t)
	outDir := t.TempDir()
	out, stderr, err := c.run("compare", "--scenarios", "happy-path", "--no-jaeger", "--out", outDir,
		"--orders", "8", "--rate", "20", "--settle", "60s")
	if err != nil {
		t.Fatalf("compare: %v\n%s\n%s", err, out, stderr)
	}
	// The table follows the progress lines on stdout.
	_, table, _ := strings.Cut(out, "\nSCENARIO ")
	head := strings.Fields("SCENARIO " + strings.SplitN(table, "\n", 2)[0])
	if strings.Join(head, " ") != "SCENARIO SYNC EVENTS-CHOREOGRAPHY EVENTS-ORCHESTRATION HOLDS" {
		t.Errorf("compare's table header = %v, want a column per stack:\n%s", head, out)
	}
	found, _ := filepath.Glob(filepath.Join(outDir, "*", comparereport.ReportMarkdown))
	if len(found) != 1 {
		t.Fatalf("compare wrote %v, want one report.md under %s", found, outDir)
	}
	md, err := os.ReadFile(found[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| Scenario | sync | events-choreography | events-orchestration | Holds |") {
		t.Errorf("report.md's summary has not the three stacks:\n%s", md)
	}
	if out, stderr, err := c.run("audit", "--mode", "all", "--settle", "30s"); err != nil || strings.Count(out, "the ledger agrees") != 3 {
		t.Errorf("audit --mode all: %v\n%s\n%s", err, out, stderr)
	}
	// With Jaeger: step 3 draws an orchestrated order's trace.
	out, stderr, err = c.run("walkthrough", "--mode", "events-orchestration",
		"--orders", "8", "--down-for", "1500ms", "--settle", "60s")
	if err != nil || !strings.Contains(out, "order-svc, that knows where every order stands") || !strings.Contains(out, "CONFIRMED; its spans as Jaeger has them") {
		t.Errorf("walkthrough on the orchestrated stack: %v\n%s\n%s", err, out, stderr)
	}
	t.Logf("walkthrough:\n%s", out)
}
