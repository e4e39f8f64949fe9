package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack/docker"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDockerReplicasFaultsReachEach: a fault is the service's. The sync
// stack on Docker with inventory-svc as 2 replicas behind HAProxy: `flowctl
// fault set` (faultctl: the api.Admin the dashboard's and the scenarios'
// targets use, listing the replicas through the runtime) reaches both; a
// scale to 3 hands the fault to the replica added; clear reaches all 3.
// Each replica's faults are read on its own, from inside the balancer's
// container at the replica's address: not through the header rule under
// test.
func TestDockerReplicasFaultsReachEach(t *testing.T) {
	requireDocker(t, "sync")
	requireReplicaImages(t)
	m := stackmode.Sync
	requireDockerPortsFree(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	compose, err := docker.FindCompose(ctx, "..", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	const token = "e2e-faults-token"
	c := &cli{t: t, env: map[string]string{"RUNTIME": "docker", "ADMIN_TOKEN": token}}
	t.Cleanup(func() { downReplicasStack(t, c, compose, m) })
	c.mustRun("up", "--mode", string(m), "--replicas", "inventory=2")
	faultsReachEach(t, c, m, func(n int, want api.Faults) { checkEachReplica(ctx, t, m, token, n, want) })
}

// checkEachReplica reads /admin/faults of each replica container of
// inventory-svc from inside its balancer's container, at the replica's own
// address, and wants n replicas, each with want.
func checkEachReplica(ctx context.Context, t *testing.T, m stackmode.Mode, token string, n int, want api.Faults) {
	t.Helper()
	svc := topology.InventorySvc + "-" + composeName(m)
	lb := containersOf(ctx, t, svc+"-lb")
	replicas := containersOf(ctx, t, svc+"-r")
	if len(lb) != 1 || len(replicas) != n {
		t.Fatalf("%d balancers and %d replicas of %s, want 1 and %d", len(lb), len(replicas), svc, n)
	}
	for _, id := range replicas {
		ip, err := exec.CommandContext(ctx, "docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id).Output()
		if err != nil {
			t.Fatalf("address of %s: %v", id, err)
		}
		body, err := exec.CommandContext(ctx, "docker", "exec", lb[0], "wget", "-qO-", "--header", "Authorization: Bearer "+token,
			"http://"+strings.TrimSpace(string(ip))+":8080/admin/faults").Output()
		if err != nil {
			t.Fatalf("faults of replica %s at %s: %v", id[:12], strings.TrimSpace(string(ip)), err)
		}
		var got api.Faults
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("faults of replica %s: %v: %s", id[:12], err, body)
		}
		if got != want {
			t.Errorf("replica %s (%s) has %s, want %s", id[:12], strings.TrimSpace(string(ip)), api.Describe(got), api.Describe(want))
		} else {
			t.Logf("replica %s (%s): %s", id[:12], strings.TrimSpace(string(ip)), api.Describe(got))
		}
	}
}

// containersOf are the running containers of a compose service.
func containersOf(ctx context.Context, t *testing.T, service string) []string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "docker", "ps", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project="+docker.ComposeProject,
		"--filter", "label=com.docker.compose.service="+service, "--filter", "status=running").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	return strings.Fields(string(out))
}
