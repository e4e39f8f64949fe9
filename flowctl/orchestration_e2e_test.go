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
