package docker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fakeRuntime is a Runtime on a fake compose and a fake docker that log
// their calls to dir/calls. compose says the events stack runs in the
// PostgreSQL form when pg; docker lists `running` containers of any service
// and its balancer's statistics show `up` replicas UP.
func fakeRuntime(t *testing.T, pg bool, running, up int) (*Runtime, string) {
	t.Helper()
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	lb := ""
	if pg {
		lb = "*'ps -a -q order-svc-events-lb'*) echo c0ffee ;;"
	}
	compose := "#!/bin/sh\necho \"compose $* | FRAUD_CHECK=$FRAUD_CHECK\" >> " + calls + "\ncase \"$*\" in " + lb + " *) ;; esac\n"
	rows := "# pxname,svname,status\n"
	for i := range 4 {
		st := "MAINT"
		if i < up {
			st = "UP"
		}
		rows += "replicas,replica" + string(rune('1'+i)) + "," + st + "\n"
	}
	docker := "#!/bin/sh\necho \"docker $*\" >> " + calls + "\ncase \"$1\" in ps) i=0; while [ $i -lt " + itoa(running) + " ]; do echo id$i; i=$((i+1)); done ;; exec) printf '" + rows + "' ;; esac\n"
	for name, body := range map[string]string{"compose": compose, "docker": docker} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r := &Runtime{compose: &Compose{Cmd: []string{filepath.Join(dir, "compose")}, Root: dir, Env: []string{"PATH=/usr/bin:/bin"}},
		token: true, dockerBin: filepath.Join(dir, "docker"), propagation: map[stackmode.Mode]config.Propagation{},
		env: map[stackmode.Mode]map[string]map[string]string{}, pg: map[stackmode.Mode]bool{}}
	return r, calls
}

func itoa(n int) string { return strconv.Itoa(n) }

func readCalls(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestScaleRunsComposeScaleOnTheReplicasService: Scale scales the
// stack's <svc>-<stack>-r without touching the others, then waits on the
// balancer's view.
func TestScaleRunsComposeScaleOnTheReplicasService(t *testing.T) {
	r, calls := fakeRuntime(t, true, 3, 3)
	if err := r.Scale(context.Background(), stackmode.Events, topology.InventorySvc, 3); err != nil {
		t.Fatal(err)
	}
	var scale, stats string
	for _, c := range readCalls(t, calls) {
		if strings.Contains(c, "--scale") {
			scale = c
		}
		if strings.Contains(c, "exec") {
			stats = c
		}
	}
	if !strings.Contains(scale, "--profile pg-events up -d --no-deps --no-recreate -t 15 --scale inventory-svc-events-r=3 inventory-svc-events-r | FRAUD_CHECK=off") {
		t.Errorf("compose call %q", scale)
	}
	if !strings.Contains(stats, "exec id0 wget -qO- http://127.0.0.1:8404/stats;csv") {
		t.Errorf("balancer statistics call %q", stats)
	}
	if n, err := r.Replicas(context.Background(), stackmode.Events, topology.InventorySvc); err != nil || n != 3 {
		t.Errorf("Replicas = %d, %v; want 3", n, err)
	}
}

// TestScaleWaitsForTheBalancer: replicas that run but that the balancer
// has not taken in (or not let go) keep Scale waiting; it gives up with the
// counts it saw once the context ends.
func TestScaleWaitsForTheBalancer(t *testing.T) {
	r, _ := fakeRuntime(t, true, 3, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 700e6)
	defer cancel()
	err := r.Scale(ctx, stackmode.Events, topology.InventorySvc, 3)
	if err == nil || !strings.Contains(err.Error(), "3 running, 2 in the balancer's rotation") {
		t.Fatalf("Scale = %v; want it to wait for the third replica in the balancer", err)
	}
}

// TestScaleOnSQLiteSaysHow: a stack in the SQLite form refuses more than one
// replica with the command that fixes it, and accepts 1 as a no-op.
func TestScaleOnSQLiteSaysHow(t *testing.T) {
	r, calls := fakeRuntime(t, false, 1, 0)
	err := r.Scale(context.Background(), stackmode.Events, topology.InventorySvc, 2)
	if err == nil || !strings.Contains(err.Error(), "`flowctl --runtime docker up --mode events --replicas inventory-svc=2`") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Scale on SQLite = %v", err)
	}
	if err := r.Scale(context.Background(), stackmode.Events, topology.InventorySvc, 1); err != nil {
		t.Fatal(err)
	}
	for _, c := range readCalls(t, calls) {
		if strings.Contains(c, " up ") {
			t.Errorf("scaled a SQLite stack: %s", c)
		}
	}
}

// TestUpArgsOnPostgres: up with replicas brings up the pg- profile with
// --scale, after removing the SQLite form's containers.
func TestUpArgsOnPostgres(t *testing.T) {
	r, calls := fakeRuntime(t, false, 1, 1)
	u := stack.UpOptions{Replicas: map[string]int{topology.InventorySvc: 3}}
	args := append(profiles(stackmode.Events, u.NeedsPostgres(), false), scaleArgs(stackmode.Events, u.Replicas, stack.Deployed(false))...)
	if got := strings.Join(args, " "); got != "--profile pg-events --scale inventory-svc-events-r=3" {
		t.Errorf("up args %q", got)
	}
	if _, err := r.removeForm(context.Background(), stackmode.Events, false, os.Stderr); err != nil {
		t.Fatal(err)
	}
	if c := readCalls(t, calls); len(c) != 1 || !strings.Contains(c[0], "--profile events --profile fraud-events ps -a -q order-svc-events inventory-svc-events") {
		t.Errorf("calls %q", c)
	}
}

// TestWipeOnPostgresDropsTheSchema: reset's wipe of a service on
// PostgreSQL removes its replicas and drops its schema in the stack's
// database; StartFresh brings back as many replicas as ran.
func TestWipeOnPostgresDropsTheSchema(t *testing.T) {
	r, calls := fakeRuntime(t, true, 2, 2)
	if err := r.WipeService(context.Background(), stackmode.Events, topology.InventorySvc); err != nil {
		t.Fatal(err)
	}
	if err := r.StartFresh(context.Background(), stackmode.Events, topology.InventorySvc); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(readCalls(t, calls), "\n")
	for _, want := range []string{
		"--profile pg-events --profile pg-fraud-events rm -s -f inventory-svc-events-r",
		"exec -T postgres psql -U orderflow -d orderflow_events -v ON_ERROR_STOP=1 -qc DROP SCHEMA IF EXISTS inventory_svc CASCADE",
		"up -d --no-deps --scale inventory-svc-events-r=2 inventory-svc-events-r",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("no call %q in\n%s", want, joined)
		}
	}
}
