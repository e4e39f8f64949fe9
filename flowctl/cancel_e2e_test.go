package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// checkCancelByHand cancels, from the command line, an events order held
// PENDING by a stopped inventory-svc, follows it to its compensation once
// inventory-svc is back, and asks too late for a CONFIRMED one.
func checkCancelByHand(t *testing.T, c *cli) {
	t.Helper()
	if out, _, err := c.run("stop", "inventory", "--mode", "events"); err != nil || !strings.Contains(out, "stopped inventory-svc") {
		t.Fatalf("stop: %v\n%s", err, out)
	}
	out, _, err := c.run("order", "place", "--mode", "events", "--customer", "cust-cancel", "--item", "SKU-001:1", "--json")
	var placed struct {
		Order struct{ ID string } `json:"order"`
	}
	if err != nil || json.Unmarshal([]byte(out), &placed) != nil || placed.Order.ID == "" {
		t.Fatalf("order place: %v\n%s", err, out)
	}
	id := placed.Order.ID
	out, _, err = c.run("order", "cancel", "--mode", "events", id)
	if err != nil || !strings.Contains(out, "→ 202 Accepted") || !strings.Contains(out, "is CANCELLED (customer)") {
		t.Fatalf("order cancel of a PENDING order: %v\n%s", err, out)
	}
	if out, _, err := c.run("start", "inventory", "--mode", "events"); err != nil || !strings.Contains(out, "is ready") {
		t.Fatalf("start: %v\n%s", err, out)
	}
	// inventory-svc reserves for the cancelled order, then releases on the
	// OrderCancelled behind it: both steps reach the order's timeline.
	var steps string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		out, _, err = c.run("order", "get", "--mode", "events", id, "--json")
		var o struct {
			Status   string
			Timeline []struct{ Step string }
		}
		if err != nil || json.Unmarshal([]byte(out), &o) != nil {
			t.Fatalf("order get: %v\n%s", err, out)
		}
		var names []string
		for _, s := range o.Timeline {
			names = append(names, s.Step)
		}
		if steps = o.Status + ": " + strings.Join(names, " "); strings.Contains(steps, "released") {
			break
		}
	}
	if !strings.HasPrefix(steps, "CANCELLED: ") || !strings.Contains(steps, "reserved") || !strings.Contains(steps, "released") {
		t.Errorf("the cancelled order's late reservation was not released: %s", steps)
	}
	if out, _, err := c.run("order", "watch", "--mode", "events", id); err != nil || !strings.Contains(out, "final: CANCELLED") || !strings.Contains(out, "released") {
		t.Errorf("order watch of the cancelled order: %v\n%s", err, out)
	}
	out, _, err = c.run("order", "watch", "--mode", "events", "--item", "SKU-002:1", "--json")
	var last struct {
		OrderID string `json:"order_id"`
		Status  string `json:"status"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || json.Unmarshal([]byte(lines[len(lines)-1]), &last) != nil || last.Status != "CONFIRMED" {
		t.Fatalf("order watch: %v\n%s", err, out)
	}
	out, _, err = c.run("order", "cancel", "--mode", "events", last.OrderID)
	if err != nil || !strings.Contains(out, "→ 409 Conflict") || !strings.Contains(out, "not cancelled: Too late to cancel — order ") || !strings.Contains(out, "is CONFIRMED") {
		t.Errorf("order cancel of a CONFIRMED order: %v\n%s", err, out)
	}
}
