package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/kafkalog"
	"github.com/orderflow/flowctl/internal/load"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestReplicasNative: the sync and events stacks with inventory-svc=3 on
// flowctl's own PostgreSQL. Events: the three replicas share the group's
// partitions; sync: requests reach the three through the balancer. Then
// both scale 3 → 1 while orders flow: every accepted order final, no
// request failed (the balancer drains before SIGTERM), the ledger clean.
func TestReplicasNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two stacks on PostgreSQL; skipped with -short")
	}
	c, runDir, base, brokerPort := nativeCLI(t)
	openToPostgres(t, runDir)
	for _, m := range []stackmode.Mode{stackmode.Sync, stackmode.Events} {
		out, stderr, err := c.run("up", "--mode", string(m), "--no-jaeger", "--replicas", "inventory=3")
		if err != nil {
			t.Fatalf("up --mode %s --replicas inventory=3: %v\n%s\n%s", m, err, out, stderr)
		}
		if !strings.Contains(out, "PostgreSQL") {
			t.Errorf("up --mode %s: no word of PostgreSQL in:\n%s", m, out)
		}
	}
	st, _, err := c.run("status")
	for _, want := range []string{"inventory-svc#3", "balancer over 3 replica(s)", "PostgreSQL 127.0.0.1:"} {
		if err != nil || !strings.Contains(st, want) {
			t.Errorf("status lacks %q (%v):\n%s", want, err, st)
		}
	}
	brokers := []string{stack.Addr(brokerPort)}
	group := kafkalog.LogOf(stackmode.Events, "").Group(topology.InventorySvc)
	for _, m := range []stackmode.Mode{stackmode.Sync, stackmode.Events} {
		if status := waitFinal(t, c, m, placeOne(t, c, m)); status != "CONFIRMED" {
			t.Errorf("%s: an order is %s, want CONFIRMED", m, status)
		}
	}
	checkMembers(t, brokers, group, 3)

	for _, m := range []stackmode.Mode{stackmode.Sync, stackmode.Events} {
		scaleInUnderLoad(t, c, base, m)
	}
	checkMembers(t, brokers, group, 1)
	stopStartScaled(t, c)
	for _, m := range []stackmode.Mode{stackmode.Sync, stackmode.Events} {
		checkAudit(t, c, m)
	}
}

// stopStartScaled: stop takes the service down (balancer and replicas),
// start brings back as many replicas as it had, behind the balancer.
func stopStartScaled(t *testing.T, c *cli) {
	t.Helper()
	for _, args := range [][]string{{"stop", "inventory", "--mode", "events"}, {"start", "inventory", "--mode", "events"}} {
		if out, stderr, err := c.run(args...); err != nil {
			t.Fatalf("%v: %v\n%s\n%s", args, err, out, stderr)
		}
	}
	st, _, _ := c.run("status")
	for _, want := range []string{"inventory-svc#1", "balancer over 1 replica(s)"} {
		if !strings.Contains(st, want) {
			t.Errorf("after stop and start, status lacks %q:\n%s", want, st)
		}
	}
	if logs, _, _ := c.run("logs", "--lines", "1"); !strings.Contains(logs, "inventory-svc#1.log") || !strings.Contains(logs, "inventory-svc.lb.log") {
		t.Errorf("logs lack the replica's or the balancer's:\n%s", logs)
	}
}

// checkMembers waits until the group has n members holding every partition
// between them, each at least one, and fails the test if it never does.
func checkMembers(t *testing.T, brokers []string, group string, n int) {
	t.Helper()
	var got []kafkalog.Member
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		g, err := kafkalog.DescribeGroup(context.Background(), brokers, group)
		if err != nil {
			t.Fatal(err)
		}
		got = g.Members
		held, idle := 0, 0
		for _, m := range got {
			held += m.Assigned()
			if m.Assigned() == 0 {
				idle++
			}
		}
		if len(got) == n && idle == 0 && held > 0 {
			t.Logf("group %s: %d members holding %d partitions: %+v", group, n, held, got)
			return
		}
	}
	t.Errorf("group %s: members %+v, want %d each holding a partition", group, got, n)
}

// scaleInUnderLoad places orders at 20/s on mode's stack, scales
// inventory-svc 3 → 1 two seconds in, stops placing two seconds after, and
// counts: every request answered (2xx, or 409 out of stock), every accepted
// order final.
func scaleInUnderLoad(t *testing.T, c *cli, base int, m stackmode.Mode) {
	t.Helper()
	orders := api.NewOrders(stack.URL(stack.ServicePort(base, m, topology.OrderSvc)), &http.Client{Timeout: 30 * time.Second})
	until := make(chan struct{})
	done := make(chan load.Result)
	go func() {
		res, _ := load.Run(context.Background(), load.Config{Orders: orders, Rate: 20, Count: 2000, Until: until})
		done <- res
	}()
	time.Sleep(2 * time.Second)
	out, stderr, err := c.run("scale", "inventory", "1", "--mode", string(m))
	if err != nil || !strings.Contains(out, "3 → 1") {
		t.Errorf("%s: scale inventory 1: %v\n%s\n%s", m, err, out, stderr)
	}
	time.Sleep(2 * time.Second)
	close(until)
	res := <-done
	failed := 0
	for _, p := range res.Orders {
		if !p.Accepted() && p.HTTPStatus != http.StatusConflict {
			failed++
			t.Logf("%s: order %d failed: HTTP %d %s%s", m, p.I, p.HTTPStatus, p.Problem, p.Err)
		}
	}
	notFinal, err := load.Follow(context.Background(), &res, orders, load.FollowConfig{Every: 100 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: scale-in 3 → 1 under load: n=%d orders, %d failed requests, %d not final", m, len(res.Orders), failed, notFinal)
	if failed != 0 || notFinal != 0 || len(res.Orders) == 0 {
		t.Errorf("%s: scale-in under load: n=%d orders, %d failed, %d not final; want none failed and all final", m, len(res.Orders), failed, notFinal)
	}
	if out, _, _ := c.run("status"); strings.Contains(out, "inventory-svc#2") && strings.Contains(out, string(m)) {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "inventory-svc#2") && strings.Contains(line, " "+string(m)+" ") {
				t.Errorf("%s: inventory-svc#2 still listed after scaling to 1: %s", m, line)
			}
		}
	}
}
