package docker

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDownStacksRemovesOnlyThoseStacks: `down --mode X` on Docker removes
// X's containers by name, in X's profile, and never runs compose's `down`
// (which would remove every stack of the shared project, the broker too); a
// stack compose has no container of is left alone.
func TestDownStacksRemovesOnlyThoseStacks(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	// A compose that knows containers of the orchestrated stack only.
	script := "#!/bin/sh\necho \"$*\" >> " + log + "\n" +
		"case \"$*\" in *'--profile orchestration --profile fraud-orchestration ps'*) echo c0ffee ;; esac\n"
	fake := filepath.Join(dir, "compose")
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &Compose{Cmd: []string{fake}, Root: dir}
	var out bytes.Buffer
	n, err := downStacks(t.Context(), c, []stackmode.Mode{stackmode.Events, stackmode.Orchestration}, &out)
	if err != nil || n != 1 {
		t.Fatalf("downStacks = %d, %v; want 1 stack removed\n%s", n, err, out.String())
	}
	b, _ := os.ReadFile(log)
	calls := strings.Split(strings.TrimSpace(string(b)), "\n")
	var rms []string
	for _, call := range calls {
		if strings.Contains(call, " down") {
			t.Errorf("ran compose down: %s", call)
		}
		if strings.Contains(call, " rm ") {
			rms = append(rms, call)
		}
	}
	if len(rms) != 1 || !strings.Contains(rms[0], "--profile orchestration --profile fraud-orchestration rm -s -f ") || strings.Contains(rms[0], "-events") {
		t.Fatalf("rm calls %q; want one, of the orchestrated stack's containers", rms)
	}
	for _, svc := range append(topology.Names(), topology.FraudSvc) {
		if !strings.Contains(rms[0], " "+container(stackmode.Orchestration, svc)) {
			t.Errorf("rm %q leaves %s", rms[0], container(stackmode.Orchestration, svc))
		}
	}
	if !strings.Contains(out.String(), "removed the events-orchestration stack's containers") {
		t.Errorf("output: %s", out.String())
	}
}
