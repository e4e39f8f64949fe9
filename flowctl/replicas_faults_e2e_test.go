package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestReplicasNativeFaultsReachEach: natively, the sync stack with
// inventory-svc as 2 replicas on flowctl's PostgreSQL. `flowctl fault set`
// reaches both, a scale to 3 hands the fault to the replica added, clear
// reaches all 3; each replica is read at its own port.
func TestReplicasNativeFaultsReachEach(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a stack on PostgreSQL; skipped with -short")
	}
	c, runDir, base, _ := nativeCLI(t)
	openToPostgres(t, runDir)
	const token = "e2e-faults-token"
	c.env["ADMIN_TOKEN"] = token
	m := stackmode.Sync
	c.mustRun("up", "--mode", string(m), "--no-jaeger", "--replicas", "inventory=2")
	faultsReachEach(t, c, m, func(n int, want api.Faults) { checkNativeReplicas(t, base, m, token, n, want) })
}

// faultsReachEach is the check both runtimes run on inventory-svc as 2
// replicas: `flowctl fault set` reaches both, a scale to 3 hands the fault
// to the replica added, clear reaches all 3; check reads each of the n
// replicas on its own and fails t unless each runs with want.
func faultsReachEach(t *testing.T, c *cli, m stackmode.Mode, check func(n int, want api.Faults)) {
	t.Helper()
	if out := c.mustRun("fault", "set", "inventory", "--mode", string(m), "--latency", "250ms", "--error-rate", "0.1"); !strings.Contains(out, "reached 2 of 2 replicas") {
		t.Errorf("fault set says:\n%s\nwant it reached 2 of 2 replicas", out)
	}
	want := api.Faults{Latency: "250ms", ErrorRate: 0.1}
	check(2, want)
	c.mustRun("scale", "inventory", "3", "--mode", string(m))
	check(3, want)
	if out := c.mustRun("fault", "clear", "inventory", "--mode", string(m)); !strings.Contains(out, "reached 3 of 3 replicas") {
		t.Errorf("fault clear says:\n%s\nwant it reached 3 of 3 replicas", out)
	}
	check(3, api.Faults{Latency: "0s"})
}

// checkNativeReplicas reads the faults of replicas 1…n of inventory-svc,
// each at its own port, and wants want on each.
func checkNativeReplicas(t *testing.T, base int, m stackmode.Mode, token string, n int, want api.Faults) {
	t.Helper()
	port := stack.ServicePort(base, m, topology.InventorySvc)
	for i := 1; i <= n; i++ {
		u := stack.URL(stack.ReplicaPort(port, i))
		got, err := api.NewAdmin(u, topology.InventorySvc, token, &http.Client{Timeout: 5 * time.Second}).GetFaults(context.Background())
		switch {
		case err != nil:
			t.Errorf("replica %d at %s: %v", i, u, err)
		case got != want:
			t.Errorf("replica %d at %s has %s, want %s", i, u, api.Describe(got), api.Describe(want))
		default:
			t.Logf("replica %d at %s: %s", i, u, api.Describe(got))
		}
	}
}
