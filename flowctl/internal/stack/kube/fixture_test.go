package kube

import (
	"os"
	"os/exec"
	"testing"
)

// The fixtures are what `kubectl kustomize` renders from deploy/k8s now: a
// change to the manifests must be carried into them.
func TestFixturesAreFresh(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		// CI sets REQUIRE_KUBECTL: there a missing kubectl fails.
		if os.Getenv("REQUIRE_KUBECTL") != "" {
			t.Fatal("kubectl is not on PATH and REQUIRE_KUBECTL is set")
		}
		t.Skip("kubectl is not on PATH: cannot render deploy/k8s to compare")
	}
	for _, overlay := range []string{"events", "events-your-kafka"} {
		out, err := exec.Command("kubectl", "kustomize", "../../../../deploy/k8s/overlays/"+overlay).Output()
		if err != nil {
			t.Fatalf("kubectl kustomize %s: %v", overlay, err)
		}
		have, err := os.ReadFile("testdata/" + overlay + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if string(have) != string(out) {
			t.Errorf("testdata/%s.yaml is stale: kubectl kustomize deploy/k8s/overlays/%s > flowctl/internal/stack/kube/testdata/%s.yaml", overlay, overlay, overlay)
		}
	}
}
