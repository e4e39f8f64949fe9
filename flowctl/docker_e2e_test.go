package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/docker"
)

// requireDocker skips the test with one line when no Docker engine answers or
// the images compose runs for profile are neither present, pullable nor
// buildable (an engine without a registry and before `make images-offline`),
// or fails it when REQUIRE_DOCKER=1 (CI), where a skip would hide the Docker path.
func requireDocker(t *testing.T, profile string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the Docker end-to-end tests take minutes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	compose, err := docker.FindCompose(ctx, "..", os.Environ())
	if err == nil {
		if ierr := compose.ImagesUsable(ctx, docker.CLI{}, profile); ierr != nil {
			err = fmt.Errorf("%v (`make images-offline` builds them)", ierr)
		}
	}
	if err != nil {
		if os.Getenv("REQUIRE_DOCKER") == "1" {
			t.Fatalf("REQUIRE_DOCKER=1 but Docker is not usable: %v", err)
		}
		t.Skipf("no usable Docker: %v (REQUIRE_DOCKER=1 turns this into a failure)", err)
	}
}

// TestDockerEndToEnd brings up both stacks from the real Dockerfile and
// docker-compose.yml through `flowctl demo --runtime docker`, asserts every
// order's final state and, through Jaeger's /api/v3, that a confirmed order's
// trace crosses all three services.
func TestDockerEndToEnd(t *testing.T) {
	requireDocker(t, "all")
	for _, p := range []int{8081, 8082, 8083, 8181, 8182, 8183, 9092, 16686, 4317, 4318} {
		if err := stack.CheckPortFree(p, "docker e2e"); err != nil {
			t.Fatalf("the Docker stacks publish fixed ports: %v (stop the native demo with `make down`)", err)
		}
	}
	c := &cli{t: t, env: map[string]string{"RUNTIME": "docker"}}
	t.Cleanup(func() {
		if out, _, err := c.run("down"); err != nil {
			t.Errorf("down: %v\n%s", err, out)
		}
	})
	for _, mode := range []string{"events", "sync"} {
		t.Run(mode, func(t *testing.T) {
			stdout, stderr, err := c.run("demo", "--mode", mode, "--json", "--orders", "6")
			if err != nil {
				t.Fatalf("demo: %v\nstderr:\n%s", err, stderr)
			}
			var res report.DemoJSON
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
			}
			s := res.Summary
			if s.Orders != 6 || s.ByStatus["CONFIRMED"] != 5 || s.ByStatus["REJECTED"] != 1 || s.NotFinal != 0 {
				t.Fatalf("summary = %+v", s)
			}
			want := []string{"inventory-svc." + mode, "invoicing-svc." + mode, "order-svc." + mode}
			for _, o := range res.Orders {
				if o.Order.Status != "CONFIRMED" {
					continue
				}
				if o.Trace == nil {
					t.Fatalf("order %d: no trace found in Jaeger for %s", o.N, o.Order.TraceID)
				}
				got := slices.Sorted(slices.Values(o.Trace.Services))
				if !slices.Equal(got, want) {
					t.Fatalf("order %d: trace %s has spans from %v, want %v", o.N, o.Order.TraceID, got, want)
				}
			}
		})
	}
	// Every scenario again, with containers stopped and started instead of
	// processes, and a real Kafka broker.
	t.Run("scenarios", func(t *testing.T) {
		rep, _ := runAllScenarios(t, c, "docker")
		for _, r := range rep.Runs {
			fmt.Fprintf(os.Stderr, "docker e2e: %s: %s\n", r.Scenario, r.Verdict())
		}
	})
	// Stock receipts and reset on containers and their volumes, real Kafka.
	checkStockAndReset(t, c, topology.DefaultPortBase, []string{stack.Addr(stack.DefaultBrokerPort)})
	// The compose project is what `down` removes.
	out, err := exec.Command("docker", "ps", "--filter", "label=com.docker.compose.project="+docker.ComposeProject, "-q").Output()
	if err != nil || len(out) == 0 {
		t.Fatalf("no containers of project %s while both stacks run: %v %s", docker.ComposeProject, err, out)
	}
	fmt.Fprintf(os.Stderr, "docker e2e: both stacks ran in compose project %s\n", docker.ComposeProject)
}
