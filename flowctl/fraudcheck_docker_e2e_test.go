package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/docker"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestDockerFraudCheck brings the sync stack up on Docker with the fraud
// check on (fraud-svc-sync under its profile, every service FRAUD_CHECK=on)
// and places one order fraud-svc clears and one it suspects. It removes only
// the containers it created, never the whole compose project.
func TestDockerFraudCheck(t *testing.T) {
	requireDocker(t, "sync")
	for _, p := range []int{8081, 8082, 8083, 8084} {
		if err := stack.CheckPortFree(p, "docker fraud-check e2e"); err != nil {
			t.Fatalf("the sync stack publishes fixed ports: %v (stop what runs there)", err)
		}
	}
	created := []string{"order-svc-sync", "inventory-svc-sync", "invoicing-svc-sync", "fraud-svc-sync"}
	if stack.CheckPortFree(stack.JaegerUIPort, "jaeger") == nil {
		created = append(created, "jaeger")
	}
	t.Cleanup(func() { removeContainers(t, created) })
	c := &cli{t: t, env: map[string]string{"RUNTIME": "docker"}}
	if out, stderr, err := c.run("up", "--mode", "sync", "--fraud-check", "on"); err != nil {
		t.Fatalf("up --fraud-check on: %v\n%s\n%s", err, out, stderr)
	}
	if st, _, _ := c.run("status"); !strings.Contains(st, topology.FraudSvc) {
		t.Errorf("status does not list fraud-svc:\n%s", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	orders := api.NewOrders(stack.URL(stack.ServicePort(topology.DefaultPortBase, stackmode.Sync, topology.OrderSvc)), nil)
	line := []api.Line{{SKU: "SKU-001", Qty: 1}}
	cleared, err := orders.Place(ctx, api.PlaceRequest{CustomerID: "cust-e2e", Items: line})
	if err != nil || cleared.Order.Status != "CONFIRMED" {
		t.Errorf("cleared order: %+v, %v; want CONFIRMED", cleared, err)
	}
	suspected, err := orders.Place(ctx, api.PlaceRequest{CustomerID: "cust-fraud", Items: line})
	pe, _ := errors.AsType[*api.ProblemError](err)
	if pe == nil || pe.Status != http.StatusForbidden || !strings.Contains(suspected.Order.Reason+pe.Detail, "fraud") {
		t.Errorf("suspected order: %+v, %v; want 403 fraud-suspected", suspected, err)
	}
	// add-a-step on containers: the stack comes up without the check (the
	// fraud-svc container goes), the check joins and leaves again.
	out, stderr, err := c.run("scenario", "add-a-step", "--mode", "sync", "--json", "--orders", "3", "--rate", "10", "--settle", "60s")
	var rep scenario.Report
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Runs) != 1 || len(rep.Runs[0].Outcomes) != 1 {
		t.Fatalf("scenario add-a-step on Docker: %v\n%s\n%s", err, out, stderr)
	}
	if o := rep.Runs[0].Outcomes[0]; !o.Holds {
		t.Errorf("add-a-step on Docker does not hold: %s", o.Verdict)
	} else {
		t.Log(o.Verdict)
	}
}

// removeContainers stops and removes the named compose containers only.
func removeContainers(t *testing.T, names []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := docker.FindCompose(ctx, "..", os.Environ())
	if err != nil {
		t.Errorf("remove %v: %v", names, err)
		return
	}
	args := append([]string{"--profile", "sync", "--profile", "fraud-sync", "rm", "-s", "-f"}, names...)
	if err := c.Run(ctx, io.Discard, args...); err != nil {
		t.Errorf("remove %v: %v", names, err)
	}
}
