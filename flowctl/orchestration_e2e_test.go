package main

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/audit"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestThreeStacks brings the three stacks up side by side natively, places
// one order on each and sees it CONFIRMED; the orchestrated stack's topics
// are its own (orch.), its order-svc consumed its replies, and its ledger
// check agrees.
func TestThreeStacks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three stacks; skipped with -short")
	}
	c, _, _, brokerPort := nativeCLI(t)
	for _, up := range [][]string{{"--mode", "sync"}, {"--mode", "events"}, {"--saga", "orchestration"}} {
		if out, stderr, err := c.run(append([]string{"up", "--no-jaeger"}, up...)...); err != nil {
			t.Fatalf("up %v: %v\n%s\n%s", up, err, out, stderr)
		}
	}
	for _, m := range stackmode.All {
		id := placeOne(t, c, m)
		if status := waitFinal(t, c, m, id); status != "CONFIRMED" {
			t.Errorf("%s: order %s is %s, want CONFIRMED", m, id, status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	brokers := []string{"127.0.0.1:" + strconv.Itoa(brokerPort)}
	orch := kafkalog.LogOf(stackmode.Orchestration, "")
	missing, err := kafkalog.MissingTopics(ctx, brokers, append(orch.Topics(), "order-saga.replies.v1", "orch.invoicing.v1")...)
	if err != nil {
		t.Fatal(err)
	}
	// The orchestrated stack's topics exist, all under orch.; the events
	// stack (choreography) has no reply topic, the orchestrated none of its own.
	if !slices.Equal(missing, []string{"order-saga.replies.v1", "orch.invoicing.v1"}) {
		t.Errorf("missing topics %v, want only order-saga.replies.v1 and orch.invoicing.v1 (topics %v)", missing, orch.Topics())
	}
	checkRepliesConsumed(t, c)
	checkAudit(t, c, stackmode.Orchestration)
	lifecycle(t, c)
}

// lifecycle runs the commands that act on a stack against the third one:
// status, logs, dlq, stop/start, reset and down touch it and leave the
// other two alone.
func lifecycle(t *testing.T, c *cli) {
	t.Helper()
	must := func(want string, args ...string) string {
		t.Helper()
		out, stderr, err := c.run(args...)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("flowctl %v: %v, want %q in:\n%s\n%s", args, err, want, out, stderr)
		}
		return out
	}
	st := must("events-orchestration", "status")
	if n := strings.Count(st, "events-orchestration"); n < 3 {
		t.Errorf("status shows %d rows of the third stack:\n%s", n, st)
	}
	must("events-orchestration/logs/order-svc.log", "logs", "--lines", "1")
	must("0 dead letters", "dlq", "list", "--mode", "events-orchestration")
	must("stopped inventory-svc (events-orchestration", "stop", "inventory-svc", "--mode", "orchestration")
	must("events-orchestration", "start", "inventory-svc", "--mode", "events-orchestration")
	must("events-orchestration: deleted", "reset", "--mode", "events-orchestration", "--yes")
	// The reset wiped the orchestrated stack's orders only: the events stack
	// keeps its order.
	for m, want := range map[stackmode.Mode]string{stackmode.Orchestration: "0 orders", stackmode.Events: "1 orders"} {
		must(want, "audit", "--mode", string(m))
	}
	must("", "down", "--mode", "events-orchestration")
	if _, _, err := c.run("order", "list", "--mode", "events-orchestration"); err == nil {
		t.Error("the third stack still answers after down --mode events-orchestration")
	}
	must("", "order", "list", "--mode", "events")
}

func placeOne(t *testing.T, c *cli, m stackmode.Mode) string {
	t.Helper()
	out, stderr, err := c.run("order", "place", "--mode", string(m), "--customer", "three-stacks", "--item", "SKU-001:1", "--json")
	if err != nil {
		t.Fatalf("%s: order place: %v\n%s\n%s", m, err, out, stderr)
	}
	var p struct {
		Order api.Order `json:"order"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Order.ID == "" {
		t.Fatalf("%s: order place printed %q (%v)", m, out, err)
	}
	return p.Order.ID
}

// waitFinal polls the order until it is final (or 30 s passed) and returns
// its status.
func waitFinal(t *testing.T, c *cli, m stackmode.Mode, id string) string {
	t.Helper()
	var o api.Order
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, stderr, err := c.run("order", "get", "--mode", string(m), id, "--json")
		if err != nil {
			t.Fatalf("%s: order get: %v\n%s", m, err, stderr)
		}
		if err := json.Unmarshal([]byte(out), &o); err != nil {
			t.Fatalf("%s: order get printed %q: %v", m, out, err)
		}
		if o.Final {
			break
		}
	}
	return string(o.Status)
}

// checkRepliesConsumed: the orchestrated order-svc's group committed past
// the replies on orch.order-saga.replies.v1.
func checkRepliesConsumed(t *testing.T, c *cli) {
	t.Helper()
	out, stderr, err := c.run("lag", "--mode", "events-orchestration", "--json")
	if err != nil {
		t.Fatalf("lag: %v\n%s", err, stderr)
	}
	var rows []kafkalog.GroupPartitionLag
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("lag --json printed %q: %v", out, err)
	}
	var committed int64
	for _, r := range rows {
		if !strings.HasPrefix(r.Group, "orch.") || !strings.HasPrefix(r.Topic, "orch.") {
			t.Errorf("lag of the orchestrated stack shows %s on %s: not its own", r.Group, r.Topic)
		}
		if r.Group == "orch.order-svc.events" && r.Topic == "orch."+events.TopicSagaReplies {
			committed += max(r.Committed, 0)
		}
	}
	// One CONFIRMED order: StockReserved and InvoiceIssued, two replies.
	if committed < 2 {
		t.Errorf("orch.order-svc.events committed %d replies on orch.%s, want at least 2: %v", committed, events.TopicSagaReplies, rows)
	}
}

func checkAudit(t *testing.T, c *cli, m stackmode.Mode) {
	t.Helper()
	out, stderr, err := c.run("audit", "--mode", string(m), "--settle", "10s", "--json")
	if err != nil {
		t.Fatalf("audit --mode %s: %v\n%s\n%s", m, err, out, stderr)
	}
	var reps []audit.Report
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 || reps[0].Mode != string(m) || !reps[0].OK() {
		t.Errorf("audit --mode %s printed %s (%v)", m, out, err)
	}
}
