package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/docker"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDockerThreeStacks brings the three stacks up side by side in
// containers (`up --mode all --runtime docker`), places orders on the
// orchestrated one and sees them final and traced across its services, and
// finds its topics and consumer groups "orch."-prefixed on the Kafka
// container beside the choreographed stack's. It takes down only what it
// brought up (each stack by --mode, then the broker and Jaeger by name):
// the compose project is shared.
func TestDockerThreeStacks(t *testing.T) {
	requireDocker(t, "all")
	for _, m := range stackmode.All {
		for _, svc := range topology.Names() {
			if err := stack.CheckPortFree(stack.ServicePort(topology.DefaultPortBase, m, svc), "docker e2e"); err != nil {
				t.Fatalf("the Docker stacks publish fixed ports: %v (stop the native demo with `make down`)", err)
			}
		}
	}
	for _, p := range []int{9092, 16686, 4317, 4318} {
		if err := stack.CheckPortFree(p, "docker e2e"); err != nil {
			t.Fatalf("the broker and Jaeger publish fixed ports: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	compose, err := docker.FindCompose(ctx, "..", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, env: map[string]string{"RUNTIME": "docker"}}
	t.Cleanup(func() { downOnlyOurs(t, c, compose) })

	if out, stderr, err := c.run("up", "--mode", "all"); err != nil {
		t.Fatalf("up --mode all: %v\n%s\nstderr:\n%s", err, out, stderr)
	}
	for _, m := range stackmode.All {
		for svc, url := range stack.StackURLs(topology.DefaultPortBase, m) {
			if err := stack.Probe(ctx, url+"/readyz"); err != nil {
				t.Errorf("%s %s not ready while the three stacks run: %v", m, svc, err)
			}
		}
	}
	checkOrchestratedDemo(t, c)
	checkOrchTopics(ctx, t, compose)
}

// checkOrchestratedDemo places the demo's orders on the orchestrated stack:
// final as in the other stacks, each confirmed order's trace crossing its
// three services under the stack's name.
func checkOrchestratedDemo(t *testing.T, c *cli) {
	t.Helper()
	stdout, stderr, err := c.run("demo", "--mode", string(stackmode.Orchestration), "--json", "--orders", "6")
	if err != nil {
		t.Fatalf("demo: %v\nstderr:\n%s", err, stderr)
	}
	var res report.DemoJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if s := res.Summary; s.Orders != 6 || s.ByStatus["CONFIRMED"] != 5 || s.ByStatus["REJECTED"] != 1 || s.NotFinal != 0 {
		t.Fatalf("summary = %+v", s)
	}
	var want []string
	for _, svc := range topology.Names() {
		want = append(want, svc+"."+string(stackmode.Orchestration))
	}
	slices.Sort(want)
	for _, o := range res.Orders {
		if o.Order.Status != "CONFIRMED" {
			continue
		}
		if o.Trace == nil {
			t.Fatalf("order %d: no trace found in Jaeger for %s", o.N, o.Order.TraceID)
		}
		if got := slices.Sorted(slices.Values(o.Trace.Services)); !slices.Equal(got, want) {
			t.Fatalf("order %d: trace %s has spans from %v, want %v", o.N, o.Order.TraceID, got, want)
		}
	}
}

// checkOrchTopics lists topics and groups inside the Kafka container: the
// orchestrated stack's command and reply topics and its groups carry
// "orch.", and none of its topics is missing.
func checkOrchTopics(ctx context.Context, t *testing.T, compose *docker.Compose) {
	t.Helper()
	list := func(tool string) []string {
		out, err := compose.Output(ctx, "exec", "-T", "kafka", "/opt/kafka/bin/"+tool, "--bootstrap-server", "kafka:19092", "--list")
		if err != nil {
			t.Fatalf("%s --list in the kafka container: %v\n%s", tool, err, out)
		}
		return strings.Fields(out)
	}
	topics, groups := list("kafka-topics.sh"), list("kafka-consumer-groups.sh")
	all, err := topology.AllTopicsFor(topology.Orchestration)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range topology.Prefixed(stackmode.OrchestrationPrefix, all) {
		if !slices.Contains(topics, topic) {
			t.Errorf("topic %s missing on the broker; it has %v", topic, topics)
		}
	}
	for _, svc := range topology.Names() {
		if g := stackmode.Orchestration.Group("", svc); !slices.Contains(groups, g) {
			t.Errorf("group %s missing on the broker; it has %v", g, groups)
		}
	}
	t.Logf("kafka container: %d topics, %d with %q; groups %v", len(topics),
		len(slices.DeleteFunc(slices.Clone(topics), func(s string) bool { return !strings.HasPrefix(s, stackmode.OrchestrationPrefix) })),
		stackmode.OrchestrationPrefix, groups)
}

// downOnlyOurs takes each stack down by --mode (its containers only), then
// the broker and Jaeger by name: never the project's `down`, which would
// remove whatever else shares it.
func downOnlyOurs(t *testing.T, c *cli, compose *docker.Compose) {
	for _, m := range stackmode.All {
		if out, _, err := c.run("down", "--mode", string(m)); err != nil {
			t.Errorf("down --mode %s: %v\n%s", m, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := compose.Run(ctx, io.Discard, "--profile", "all", "rm", "-s", "-f", "kafka", "jaeger"); err != nil {
		t.Errorf("remove the broker and Jaeger: %v", err)
	}
}
