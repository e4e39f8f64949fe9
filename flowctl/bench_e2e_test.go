package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/orderflow/flowctl/internal/bench"
	"github.com/orderflow/flowctl/internal/stack"
)

// TestBenchNative runs `bench` with tiny bounds against the three native
// stacks and checks the shape of its result: every stack, both baselines,
// each with a ceiling, the events stacks' drains, every stack's messages per
// order and ledger check, and the report files. The bounds are generous on
// purpose: the test says the bench works, not how fast anything is.
func TestBenchNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both stacks; skipped with -short")
	}
	runDir, out := t.TempDir(), t.TempDir()
	base, brokerPort := freeBase(t), freePort(t)
	c := &cli{t: t, env: map[string]string{}, common: []string{
		"--run-dir", runDir, "--port-base", strconv.Itoa(base), "--broker-port", strconv.Itoa(brokerPort),
	}}
	t.Cleanup(func() {
		if t.Failed() {
			dumpLogs(t, runDir)
		}
		pids := pidFiles(t, runDir)
		_, _, _ = c.run("down")
		for _, pid := range pids {
			if stack.Alive(pid) {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
			}
		}
	})

	stdout, stderr, err := c.run("bench", "--no-jaeger", "--json", "--out", out,
		"--start", "20", "--max", "40", "--baseline-max", "40", "--step-duration", "1s", "--pause", "0s",
		"--settle", "60s", "--p99-bound", "30s", "--drain-orders", "20")
	if err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr)
	}
	var res bench.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	want := []struct {
		name     string
		baseline bool
	}{{"sync", false}, {"events", false}, {"events-orchestration", false}, {"kafka 3-hop", true}, {"http 3-hop", true}}
	if len(res.Targets) != len(want) {
		t.Fatalf("targets: %+v", res.Targets)
	}
	for i, w := range want {
		got := res.Targets[i]
		if got.Name != w.name || got.Baseline != w.baseline {
			t.Errorf("target %d: %s (baseline %v), want %s (%v)", i, got.Name, got.Baseline, w.name, w.baseline)
		}
		if got.Ceiling.Max <= 0 || len(got.Ceiling.Steps) == 0 || got.Measured.Sent == 0 {
			t.Errorf("%s: ceiling %+v, measured %+v", got.Name, got.Ceiling, got.Measured)
		}
		if !w.baseline && len(got.Resources) < 3 {
			t.Errorf("%s: resources %+v (%s), want one per service at least", got.Name, got.Resources, got.ResourcesNote)
		}
	}
	for _, i := range []int{1, 2} {
		if d := res.Targets[i].Drain; d == nil || d.Backlog <= 0 || d.EventsPerSec <= 0 {
			t.Errorf("%s drain: %+v", res.Targets[i].Name, d)
		}
	}
	checkBenchMessages(t, res.Targets[:3])
	if res.Targets[0].Drain != nil || res.Targets[0].DrainNote == "" {
		t.Errorf("sync has no consumer to drain, yet: %+v %q", res.Targets[0].Drain, res.Targets[0].DrainNote)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "*"))
	if len(dirs) != 1 {
		t.Fatalf("report dirs: %v", dirs)
	}
	for _, f := range []string{bench.ResultJSON, bench.ChartSVG, bench.TableMD} {
		if _, err := os.Stat(filepath.Join(dirs[0], f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
}

// checkBenchMessages: every stack counted its messages over orders that
// became final and passed its ledger check; sync's are HTTP calls between
// services, the events stacks' records on their own topics.
func checkBenchMessages(t *testing.T, stacks []bench.TargetResult) {
	t.Helper()
	for _, st := range stacks {
		m := st.Measured.Messages
		if m == nil || m.Orders == 0 {
			t.Errorf("%s: messages %+v", st.Name, m)
			continue
		}
		t.Logf("%s: %s", st.Name, bench.MessagesText(*m))
		kafka := st.Name != "sync"
		if kafka != (m.Topics > 0 && m.Records > 0) || kafka != (m.HTTPCalls == 0) {
			t.Errorf("%s: %d records on %d topics, %d HTTP calls", st.Name, m.Records, m.Topics, m.HTTPCalls)
		}
		if st.Ledger == nil || !st.Ledger.OK() {
			t.Errorf("%s: ledger %+v (%s)", st.Name, st.Ledger, st.LedgerNote)
		}
	}
}

func TestBenchFlagErrors(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--factor", "1"}, "--factor 1: use 1.1 to 10"},
		{[]string{"bench", "--start", "100", "--max", "50"}, "--max 50: use --start (100) to 10000"},
		{[]string{"bench", "--step-duration", "10ms"}, "--step-duration 10ms: use 500ms to 10m"},
		{[]string{"bench", "--p99-bound", "0s"}, "--p99-bound 0s"},
		{[]string{"bench", "--drain-orders", "0"}, "--drain-orders 0: use 1 to 100000"},
		{[]string{"bench", "--baseline-max", "10"}, "--baseline-max 10: use --max (3200)"},
		{[]string{"bench", "--mode", "choreo"}, `--mode "choreo" is not a stack`},
		{[]string{"bench", "--replicas", "shipping=3"}, `--replicas "shipping=3": no service shipping; use one of order-svc`},
		{[]string{"bench", "--replicas", "inventory-svc=0"}, `--replicas "inventory-svc=0": use 1 to 9 replicas`},
		{[]string{"bench", "--replicas", "inventory"}, `--replicas "inventory": write service=n`},
	}
	for _, tt := range tests {
		_, _, err := c.run(tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("flowctl %v: err = %v, want one line with %q", tt.args, err, tt.want)
		}
	}
}
