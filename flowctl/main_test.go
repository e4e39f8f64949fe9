package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/report"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestMain lets this test binary stand in for flowctl: `up` starts the
// flowctl binary again as `flowctl broker`, `dashboard --detach` as `flowctl
// dashboard`, and in a test that binary is this one.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "broker" || os.Args[1] == "dashboard" || os.Args[1] == "lb") {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "flowctl:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// cli runs flowctl in-process with a controlled environment.
type cli struct {
	t      *testing.T
	common []string
	env    map[string]string
}

// getenv passes the process environment through, minus what would point the
// test at a developer's setup (their broker, their port base).
func (c *cli) getenv(k string) string {
	if v, ok := c.env[k]; ok {
		return v
	}
	switch {
	case k == "RUNTIME":
		return "native" // this test is about the native runtime, Docker or not
	case k == "KAFKA_BROKERS", k == "KAFKA_TOPIC_PREFIX", k == "TRACE_PROPAGATION", strings.HasPrefix(k, "FLOWCTL_"), strings.HasPrefix(k, "OTEL_"):
		return ""
	}
	return os.Getenv(k)
}

// mustRun runs flowctl with args and fails t unless it succeeds; its
// stdout.
func (c *cli) mustRun(args ...string) string {
	c.t.Helper()
	out, stderr, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("%v: %v\n%s\nstderr:\n%s", args, err, out, stderr)
	}
	return out
}

func (c *cli) run(args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errb bytes.Buffer
	// `scenario all` runs 15 scenarios on both modes: several minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	err = run(ctx, append(append([]string{"flowctl"}, args...), c.common...), c.getenv, &out, &errb)
	return out.String(), errb.String(), err
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// freeBase finds a port base whose stack ports are all free, well away
// from the documented 8081… and 8181… a developer's demo may be using.
func freeBase(t *testing.T) int {
	t.Helper()
	// Below the kernel's ephemeral range (32768 up): a port checked free here
	// is bound only later (fraud-svc when add-a-step turns the check on), and
	// a client socket must not take it meanwhile.
	const low, span = 20000, 12000 // every port: 20001…32204
	start := os.Getpid() % 120 * 100
	for i := 0; i < span/1000; i++ {
		base := low + (start+i*1000)%span
		ok := true
		for _, m := range stack.Modes {
			for _, svc := range stack.AllServices() {
				if stack.CheckPortFree(stack.ServicePort(base, m, svc), svc) != nil {
					ok = false
				}
			}
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port base")
	return 0
}

// pidFiles lists every pid file under runDir with the pid it names.
func pidFiles(t *testing.T, runDir string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, pattern := range []string{"*.pid", "*/*.pid"} {
		matches, _ := filepath.Glob(filepath.Join(runDir, pattern))
		for _, m := range matches {
			p, err := stack.ReadPIDFile(m)
			if err == nil {
				out[m] = p.PID
			}
		}
	}
	return out
}

func dumpLogs(t *testing.T, runDir string) {
	for _, pattern := range []string{"logs/*.log", "*/logs/*.log"} {
		matches, _ := filepath.Glob(filepath.Join(runDir, pattern))
		for _, m := range matches {
			t.Logf("---- %s\n%s", m, strings.Join(stack.TailFile(m, 30), "\n"))
		}
	}
}

// TestEndToEnd builds the real services, runs both demos against them on free
// ports in a temporary run dir, and checks that down leaves no process behind.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the three services; skipped with -short")
	}
	runDir := t.TempDir()
	base, brokerPort := freeBase(t), freePort(t)
	c := &cli{t: t, env: map[string]string{}, common: []string{
		"--run-dir", runDir, "--port-base", strconv.Itoa(base), "--broker-port", strconv.Itoa(brokerPort),
	}}
	seen := map[string]int{}
	t.Cleanup(func() {
		if t.Failed() {
			dumpLogs(t, runDir)
		}
		_, _, _ = c.run("down")
		for _, pid := range seen {
			if stack.Alive(pid) {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
			}
		}
	})

	t.Run("port in use by another program", func(t *testing.T) {
		port := stack.ServicePort(base, "sync", "inventory-svc")
		ln, err := net.Listen("tcp", stack.Addr(port))
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, _, err = c.run("up", "--mode", "sync", "--no-jaeger")
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d", port)) || !strings.Contains(err.Error(), "in use by another program") {
			t.Fatalf("err = %v, want the port named as in use", err)
		}
		if files := pidFiles(t, runDir); len(files) != 0 {
			t.Errorf("a refused up left processes: %v", files)
		}
	})

	t.Run("a service that cannot start shows its log", func(t *testing.T) {
		c.env["TRACE_PROPAGATION"] = "bogus"
		defer delete(c.env, "TRACE_PROPAGATION")
		_, stderr, err := c.run("up", "--mode", "sync", "--no-jaeger")
		if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(stderr, "---- last") || !strings.Contains(stderr, `TRACE_PROPAGATION="bogus"`) {
			t.Errorf("stderr does not show the log tail:\n%s", stderr)
		}
		if out, _, err := c.run("down", "--mode", "sync"); err != nil {
			t.Fatalf("down: %v\n%s", err, out)
		}
	})

	for _, mode := range []string{"events", "sync"} {
		t.Run("demo "+mode, func(t *testing.T) {
			stdout, stderr, err := c.run("demo", "--mode", mode, "--no-jaeger", "--json", "--orders", "6")
			if err != nil {
				t.Fatalf("demo: %v\nstderr:\n%s", err, stderr)
			}
			for f, pid := range pidFiles(t, runDir) {
				seen[f] = pid
			}
			var res report.DemoJSON
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
			}
			if !strings.Contains(stderr, "services") {
				t.Errorf("the steps should go to stderr with --json:\n%s", stderr)
			}
			s := res.Summary
			if s.Orders != 6 || s.ByStatus["CONFIRMED"] != 5 || s.ByStatus["REJECTED"] != 1 || s.NotFinal != 0 || s.TimeToFinal.N != 5 { // time to consistency: the 5 CONFIRMED orders, not the REJECTED one
				t.Fatalf("summary = %+v", s)
			}
			for _, o := range res.Orders {
				wantHTTP := 202
				if mode == "sync" {
					wantHTTP = 201
					if o.Order.Status == "REJECTED" {
						wantHTTP = 409
					}
				}
				if o.HTTPStatus != wantHTTP {
					t.Errorf("order %d: HTTP %d, want %d", o.N, o.HTTPStatus, wantHTTP)
				}
				if o.Order.TraceID == "" || len(o.Order.Timeline) < 2 || o.Order.Timeline[0].Step != "placed" {
					t.Errorf("order %d: trace %q, timeline %+v", o.N, o.Order.TraceID, o.Order.Timeline)
				}
				if (o.Order.Status == "REJECTED") != (o.Request.Items[0].SKU == "SKU-005") {
					t.Errorf("order %d (%v) is %s", o.N, o.Request.Items, o.Order.Status)
				}
			}
			if res.Jaeger || res.Orders[0].Trace != nil {
				t.Error("--no-jaeger, yet traces were looked up")
			}
		})
	}

	t.Run("fault", func(t *testing.T) {
		// The stacks got flowctl's admin token; set, show and clear round-trip.
		// Without --mode, fault acts on every stack that runs: both, here.
		out, _, err := c.run("fault", "set", "inventory", "--error-rate", "1")
		if err != nil || strings.Count(out, "error rate 1") != 2 || !strings.Contains(out, "(sync)") || !strings.Contains(out, "(events)") {
			t.Fatalf("fault set: %v\n%s", err, out)
		}
		out, _, err = c.run("fault", "show", "--mode", "sync")
		if err != nil || !strings.Contains(out, "sync   inventory-svc  latency 0s     error rate 1") || strings.Contains(out, "events") {
			t.Fatalf("fault show: %v\n%s", err, out)
		}
		out, _, err = c.run("fault", "show", "--json")
		var faults map[string]map[string]struct {
			ErrorRate float64 `json:"error_rate"`
		}
		if err != nil || json.Unmarshal([]byte(out), &faults) != nil || len(faults) != 2 || len(faults["sync"]) != 3 ||
			faults["sync"]["inventory-svc"].ErrorRate != 1 || faults["events"]["inventory-svc"].ErrorRate != 1 || faults["events"]["order-svc"].ErrorRate != 0 {
			t.Fatalf("fault show --json: %v\n%s", err, out)
		}
		if _, _, err := c.run("fault", "set", "inventory", "--error-rate", "2"); err == nil {
			t.Error("an error rate of 2 was accepted")
		}
		// The saga's lesson: invoicing-svc's payment provider declines a share.
		out, _, err = c.run("fault", "set", "invoicing", "--mode", "events", "--decline-rate", "0.5")
		if err != nil || !strings.Contains(out, "invoicing-svc (events): latency 0s") || !strings.HasSuffix(strings.TrimSpace(out), "decline rate 0.5") {
			t.Fatalf("fault set --decline-rate: %v\n%s", err, out)
		}
		if out, _, err := c.run("fault", "show", "--mode", "events"); err != nil || !strings.Contains(out, "decline rate 0.5") {
			t.Fatalf("fault show after --decline-rate: %v\n%s", err, out)
		}
		if _, _, err := c.run("fault", "set", "inventory", "--decline-rate", "0.5"); err == nil || !strings.Contains(err.Error(), "only invoicing-svc charges customers") {
			t.Errorf("a decline rate on inventory-svc: %v", err)
		}
		if out, _, err := c.run("fault", "clear"); err != nil || strings.Count(out, "no faults") != 6 {
			t.Fatalf("fault clear: %v\n%s", err, out)
		}
	})

	t.Run("status", func(t *testing.T) {
		stdout, _, err := c.run("status", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var states []stack.State
		if err := json.Unmarshal([]byte(stdout), &states); err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			if s.Name == "jaeger" {
				// --no-jaeger: not ours (a developer's own may answer, though).
				if s.Ours {
					t.Errorf("jaeger is ours")
				}
				continue
			}
			if s.Mode == string(stackmode.Orchestration) {
				// This test brings up sync and events only.
				if s.Ours {
					t.Errorf("%s (%s) is ours, though never brought up", s.Name, s.Mode)
				}
				continue
			}
			if !s.Ours || !s.Ready {
				t.Errorf("%s (%s): ours=%v ready=%v, want both", s.Name, s.Mode, s.Ours, s.Ready)
			}
		}
	})

	t.Run("down stops everything it started", func(t *testing.T) {
		if len(seen) != 7 { // broker + 2 × 3 services
			t.Fatalf("pid files seen: %v", seen)
		}
		stdout, _, err := c.run("down")
		if err != nil {
			t.Fatalf("down: %v\n%s", err, stdout)
		}
		if n := strings.Count(stdout, "stopped "); n != 7 {
			t.Errorf("down reported %d stops, want 7:\n%s", n, stdout)
		}
		deadline := time.Now().Add(10 * time.Second)
		for f, pid := range seen {
			for stack.Alive(pid) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: pid %d still runs after down", f, pid)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if left := pidFiles(t, runDir); len(left) != 0 {
			t.Errorf("pid files left: %v", left)
		}
		for _, m := range stack.Modes {
			for _, svc := range topology.Names() {
				if err := stack.CheckPortFree(stack.ServicePort(base, m, svc), svc); err != nil {
					t.Errorf("after down: %v", err)
				}
			}
		}
		stdout, _, err = c.run("down")
		if err != nil || !strings.Contains(stdout, "nothing of flowctl's was running") {
			t.Errorf("second down: %v, %q", err, stdout)
		}
	})
}

func TestCLIErrors(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"up"}, "--mode is required"},
		{[]string{"demo", "--mode", "async"}, `--mode "async" is not a stack: use sync, events (events-choreography) or events-orchestration`},
		{[]string{"up", "--mode", "sync", "--saga", "orchestration"}, "--saga needs an events stack"},
		{[]string{"dashboard", "--mode", "three"}, `--mode three: --mode "three" is not a stack`},
		{[]string{"lag", "--mode", "sync"}, "--mode sync has no Kafka"},
		{[]string{"demo", "--mode", "sync", "--orders", "1"}, "--orders 1: use 2 to 500"},
		{[]string{"down", "--mode", "both"}, "use sync, events, events-orchestration or all"},
		{[]string{"order", "place", "--mode", "sync", "--customer", "c", "--item", "SKU-001:x"}, "quantity after ':'"},
		{[]string{"up", "--bogus"}, "unknown flag: --bogus (see `flowctl up --help`)"},
		{[]string{"--port-base", "80", "status"}, "--port-base"},
	}
	for _, tt := range tests {
		_, _, err := c.run(tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("flowctl %v: err = %v, want %q", tt.args, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("flowctl %v: error spans lines: %q", tt.args, err)
		}
	}
}

func TestEnvCommand(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	out, _, err := c.run("env", "--markdown")
	if err != nil || !strings.HasPrefix(out, "| Variable | Default | Used by | Meaning |") || !strings.Contains(out, "| `KAFKA_BROKERS` |") {
		t.Errorf("env --markdown: %v\n%s", err, out)
	}
	out, _, err = c.run("env")
	if err != nil || !strings.Contains(out, "TRACE_PROPAGATION") || strings.Contains(out, "`") {
		t.Errorf("env: %v\n%s", err, out)
	}
}
