package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/docker"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDockerReplicasScaleInUnderLoad: a stack on Docker with inventory-svc
// as three replicas on PostgreSQL (`up --replicas inventory=3`): three
// containers and, events, three members of its consumer group. While orders
// flow, `flowctl scale inventory 1` drains two away; every order placed is
// accepted and final (sync: order-svc's calls to inventory-svc go through
// its balancer while replicas leave), the ledger check finds no breach, and
// one replica (and group member) is left. It takes down only what it
// brought up (the stack by --mode, then the broker, Jaeger and PostgreSQL
// by name, and PostgreSQL's volume).
func TestDockerReplicasScaleInUnderLoad(t *testing.T) {
	requireDocker(t, "all")
	requireReplicaImages(t)
	for _, m := range []stackmode.Mode{stackmode.Events, stackmode.Sync} {
		t.Run(string(m), func(t *testing.T) { dockerScaleInUnderLoad(t, m) })
	}
}

func dockerScaleInUnderLoad(t *testing.T, m stackmode.Mode) {
	svc := topology.InventorySvc
	requireDockerPortsFree(t, m)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	compose, err := docker.FindCompose(ctx, "..", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, env: map[string]string{"RUNTIME": "docker"}}
	t.Cleanup(func() { downReplicasStack(t, c, compose, m) })
	replicas := svc + "-" + composeName(m) + "-r"

	start := time.Now()
	if out, stderr, err := c.run("up", "--mode", string(m), "--replicas", "inventory=3"); err != nil {
		t.Fatalf("up --replicas inventory=3: %v\n%s\nstderr:\n%s", err, out, stderr)
	}
	t.Logf("up --replicas inventory=3 took %.1f s (n=1)", time.Since(start).Seconds())
	if m.Kafka() {
		waitGroupMembers(ctx, t, m.Group("", svc), 3)
	}
	if n := composeCount(ctx, t, replicas); n != 3 {
		t.Fatalf("%d containers of %s after up --replicas inventory=3, want 3", n, replicas)
	}
	checkDockerStatus(t, c, m, 3)

	type loaded struct {
		out, stderr string
		err         error
	}
	done := make(chan loaded, 1)
	go func() {
		out, stderr, err := c.run("load", "--mode", string(m), "--rate", "10", "--duration", "30s", "--settle", "2m", "--json")
		done <- loaded{out, stderr, err}
	}()
	time.Sleep(10 * time.Second) // a third of the orders placed: scale in while the rest flow
	if !m.Kafka() {
		checkSpread(ctx, t, svc+"-"+composeName(m)+"-lb")
	}
	start = time.Now()
	out, stderr, err := c.run("scale", "inventory", "1", "--mode", string(m))
	if err != nil || !strings.Contains(out, "3 → 1") {
		t.Fatalf("scale inventory 1: %v\n%s\nstderr:\n%s", err, out, stderr)
	}
	t.Logf("scale: %s (took %.1f s, n=1)", strings.TrimSpace(out), time.Since(start).Seconds())
	l := <-done
	if l.err != nil {
		t.Fatalf("load: %v\nstderr:\n%s", l.err, l.stderr)
	}
	checkLoadClean(t, l.out)
	if n := composeCount(ctx, t, replicas); n != 1 {
		t.Errorf("%d containers of %s after scale 1, want 1", n, replicas)
	}
	if m.Kafka() {
		waitGroupMembers(ctx, t, m.Group("", svc), 1)
	}
}

// checkDockerStatus waits until `flowctl status` lists inventory-svc's
// balancer over n replicas, all ready, and each replica by its number,
// ready (Docker's health checks run every 3 s: a replica HAProxy already
// sends to may still say "starting" for a moment).
func checkDockerStatus(t *testing.T, c *cli, m stackmode.Mode, n int) {
	t.Helper()
	var problems []string
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		out, stderr, err := c.run("status", "--json")
		var states []stack.State
		if err != nil || json.Unmarshal([]byte(out), &states) != nil {
			t.Fatalf("status --json: %v\n%s\n%s", err, out, stderr)
		}
		if problems = statusProblems(states, m, n); len(problems) == 0 {
			t.Logf("status lists %s's balancer over %d replicas and each replica, all ready", topology.InventorySvc, n)
			return
		}
	}
	t.Errorf("status, after 60 s:\n%s", strings.Join(problems, "\n"))
}

// statusProblems says how states differ from inventory-svc of m over n
// replicas, all ready.
func statusProblems(states []stack.State, m stackmode.Mode, n int) []string {
	var problems []string
	replicas := 0
	for _, s := range states {
		switch {
		case s.Mode != string(m):
		case s.Name == topology.InventorySvc:
			if want := fmt.Sprintf("over %d replica(s), %d ready", n, n); !s.Ready || !strings.HasSuffix(s.Detail, want) {
				problems = append(problems, fmt.Sprintf("%+v: want ready and %q", s, want))
			}
		case strings.HasPrefix(s.Name, topology.InventorySvc+"#"):
			replicas++
			if !s.Ready || !s.Ours {
				problems = append(problems, fmt.Sprintf("replica %+v not running and ready", s))
			}
		}
	}
	if replicas != n {
		problems = append(problems, fmt.Sprintf("%d replicas of %s listed, want %d", replicas, topology.InventorySvc, n))
	}
	return problems
}

// composeName is m's stack in docker-compose.yml's service names.
func composeName(m stackmode.Mode) string {
	if m == stackmode.Orchestration {
		return "orchestration"
	}
	return string(m)
}

// checkLoadClean: every order accepted and final, some confirmed, the
// ledger without a breach.
func checkLoadClean(t *testing.T, out string) {
	t.Helper()
	var res []load.StackResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		t.Fatalf("load --json: %v (%d results)\n%s", err, len(res), out)
	}
	s, r := res[0].Summary, res[0]
	t.Logf("load during scale-in: n=%d orders, %d accepted, by status %v, not final %d, time to final max %.0f ms",
		s.Orders, s.Accepted, s.ByStatus, s.NotFinal, s.TimeToFinal.Max)
	if s.Orders == 0 || s.Accepted != s.Orders || s.NotFinal != 0 || s.ByStatus["CONFIRMED"] == 0 {
		t.Errorf("summary %+v: want every order accepted and final, some confirmed", s)
	}
	if r.Ledger == nil || len(r.Ledger.Breaches) != 0 {
		t.Errorf("ledger check: %+v (error %q), want no breach", r.Ledger, r.LedgerError)
	}
}

// checkSpread: the balancer sent requests to each of the three replicas
// (order-svc's reservations, sync), as its statistics count them.
func checkSpread(ctx context.Context, t *testing.T, lb string) {
	t.Helper()
	id, err := exec.CommandContext(ctx, "docker", "ps", "-q", "--filter", "label=com.docker.compose.project="+docker.ComposeProject,
		"--filter", "label=com.docker.compose.service="+lb).Output()
	if err != nil || len(strings.Fields(string(id))) != 1 {
		t.Fatalf("the container of %s: %v (%q)", lb, err, id)
	}
	out, err := exec.CommandContext(ctx, "docker", "exec", strings.TrimSpace(string(id)), "wget", "-qO-", "http://127.0.0.1:8404/stats;csv").Output()
	if err != nil {
		t.Fatalf("%s statistics: %v", lb, err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "# "))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s statistics: %v\n%s", lb, err, out)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var spread []string
	for _, r := range rows[1:] {
		if r[col["pxname"]] != "replicas" || r[col["status"]] != "UP" || r[col["svname"]] == "BACKEND" {
			continue
		}
		spread = append(spread, r[col["svname"]]+"="+r[col["stot"]])
		if r[col["stot"]] == "0" {
			t.Errorf("%s sent no request to %s", lb, r[col["svname"]])
		}
	}
	t.Logf("%s: requests per replica before the scale-in (stot, since start): %v", lb, spread)
	if len(spread) != 3 {
		t.Errorf("%s has %d replicas UP, want 3: %v", lb, len(spread), spread)
	}
}

// composeCount is how many running containers the compose service has.
func composeCount(ctx context.Context, t *testing.T, service string) int {
	t.Helper()
	out, err := exec.CommandContext(ctx, "docker", "ps", "-q", "--filter", "label=com.docker.compose.project="+docker.ComposeProject,
		"--filter", "label=com.docker.compose.service="+service, "--filter", "status=running").Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	return len(strings.Fields(string(out)))
}

// waitGroupMembers waits until the consumer group is Stable with want
// members, as the broker describes it on its host port (kafkalog, as the
// native test asks it); a rebalance takes seconds.
func waitGroupMembers(ctx context.Context, t *testing.T, group string, want int) {
	t.Helper()
	brokers := []string{stack.Addr(stack.DefaultBrokerPort)}
	var last string
	for end := time.Now().Add(90 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		g, err := kafkalog.DescribeGroup(ctx, brokers, group)
		if err != nil {
			last = err.Error()
			continue
		}
		if last = g.String(); g.State == "Stable" && len(g.Members) == want {
			t.Logf("group %s: %s", group, last)
			return
		}
	}
	t.Fatalf("group %s never had %d members, Stable: last %s", group, want, last)
}

// requireImages skips (fails with REQUIRE_DOCKER=1) without the images.
// requireReplicaImages are the images the PostgreSQL form adds: the
// database and the balancer (HAPROXY_IMAGE when set, as compose reads it).
func requireReplicaImages(t *testing.T) {
	t.Helper()
	haproxy := os.Getenv("HAPROXY_IMAGE")
	if haproxy == "" {
		haproxy = "orderflow/haproxy:bookworm"
	}
	requireImages(t, "orderflow/postgres:15", haproxy)
}

// requireDockerPortsFree fails t unless the ports m's Docker stack
// publishes (fixed ones) are free.
func requireDockerPortsFree(t *testing.T, m stackmode.Mode) {
	t.Helper()
	for _, p := range []int{stack.ServicePort(topology.DefaultPortBase, m, topology.OrderSvc), stack.ServicePort(topology.DefaultPortBase, m, topology.InventorySvc),
		stack.ServicePort(topology.DefaultPortBase, m, topology.InvoicingSvc), 16686, 4317, 4318} {
		if err := stack.CheckPortFree(p, "docker e2e"); err != nil {
			t.Fatalf("the Docker stack publishes fixed ports: %v", err)
		}
	}
}

func requireImages(t *testing.T, images ...string) {
	t.Helper()
	if out, err := exec.Command("docker", append([]string{"image", "inspect", "--format", "{{.Id}}"}, images...)...).CombinedOutput(); err != nil {
		msg := fmt.Sprintf("images %v missing (`make images-offline` builds them): %s", images, strings.TrimSpace(string(out)))
		if os.Getenv("REQUIRE_DOCKER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// downReplicasStack takes m's stack down by --mode (both forms), then the
// broker, Jaeger and PostgreSQL by name: never compose's `down`.
func downReplicasStack(t *testing.T, c *cli, compose *docker.Compose, m stackmode.Mode) {
	if out, _, err := c.run("down", "--mode", string(m)); err != nil {
		t.Errorf("down --mode %s: %v\n%s", m, err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := compose.Run(ctx, io.Discard, "--profile", "all", "--profile", "pg-events", "rm", "-s", "-f", "kafka", "jaeger", "postgres"); err != nil {
		t.Errorf("remove the broker, Jaeger and PostgreSQL: %v", err)
	}
	// PostgreSQL's volume holds the stack's orders: the next run starts empty.
	if out, err := exec.CommandContext(ctx, "docker", "volume", "rm", "-f", docker.ComposeProject+"_postgres-data").CombinedOutput(); err != nil {
		t.Errorf("remove PostgreSQL's volume: %v: %s", err, out)
	}
}
