package topology_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"
)

// TestHostNamesCoverCompose: every service container docker-compose.yml
// runs is a name the services answer to, or they would refuse each other.
func TestHostNamesCoverCompose(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	names := topology.HostNames()
	found := 0
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z0-9-]+):\s*$`).FindAllStringSubmatch(string(b), -1) {
		if !slices.ContainsFunc(append(topology.Names(), topology.FraudSvc), func(s string) bool { return strings.HasPrefix(m[1], s) }) {
			continue
		}
		found++
		if !slices.Contains(names, m[1]) {
			t.Errorf("compose service %q is not in topology.HostNames %v", m[1], names)
		}
	}
	if found < 15 {
		t.Fatalf("found %d service containers in docker-compose.yml, want the 12 of the sync, events, orchestration and cluster stacks and fraud-svc's 3", found)
	}
}
