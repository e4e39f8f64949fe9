package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// brokerBreak names the broker's restart among the services' kills.
const brokerBreak = "kafka"

// killStack is one test's events stack as processes, broken on purpose:
// services killed with SIGKILL and started again, the embedded broker
// stopped and started with its data. With KAFKA_BROKERS set (CI's Apache
// Kafka) the stack uses that broker under a topic prefix of its own, and
// the broker is not restarted: the rest of `make test` shares it.
type killStack struct {
	t        *testing.T
	c        *cli
	runDir   string
	base     int
	external string
}

// upKillStack brings up the events stack (no Jaeger) on free ports, on the
// broker external names ("": the embedded one), with env on top of what the
// test's flowctl passes to the services.
func upKillStack(t *testing.T, prefix, external string, env map[string]string) *killStack {
	t.Helper()
	c, runDir, base, _ := nativeCLI(t)
	ks := &killStack{t: t, c: c, runDir: runDir, base: base, external: external}
	if ks.external != "" {
		c.env["KAFKA_BROKERS"] = ks.external
		c.env["KAFKA_TOPIC_PREFIX"] = fmt.Sprintf("%s-%d-", prefix, time.Now().UnixNano())
	}
	for k, v := range env {
		c.env[k] = v
	}
	if out, stderr, err := c.run("up", "--mode", "events", "--no-jaeger"); err != nil {
		t.Fatalf("up: %v\n%s\n%s", err, out, stderr)
	}
	return ks
}

// breaks are the breaks in turn: each service, then the broker when it is
// flowctl's own.
func (ks *killStack) breaks() []string {
	b := []string{"inventory", "invoicing", "order"}
	if ks.external == "" {
		b = append(b, brokerBreak)
	}
	return b
}

// restartBroker stops the embedded broker and starts it on its data again.
func (ks *killStack) restartBroker() {
	ks.t.Helper()
	if out, _, err := ks.c.run("stop", brokerBreak); err != nil {
		ks.t.Fatalf("stop kafka: %v\n%s", err, out)
	}
	if out, _, err := ks.c.run("start", brokerBreak); err != nil {
		ks.t.Fatalf("start kafka: %v\n%s", err, out)
	}
}

// kill ends target's service ("inventory" for inventory-svc) with SIGKILL
// and waits until its port is free, so that a start cannot race the dying
// process.
func (ks *killStack) kill(target string) {
	ks.t.Helper()
	svc := target + "-svc"
	pid, err := stack.ReadPIDFile(stack.Layout{RunDir: ks.runDir}.ServicePID(stackmode.Events, svc))
	if err != nil {
		ks.t.Fatal(err)
	}
	if err := syscall.Kill(-pid.PID, syscall.SIGKILL); err != nil {
		ks.t.Fatalf("kill %s: %v", svc, err)
	}
	ks.t.Logf("killed %s (pid %d) with SIGKILL", svc, pid.PID)
	port := stack.ServicePort(ks.base, stackmode.Events, svc)
	for deadline := time.Now().Add(10 * time.Second); stack.CheckPortFree(port, svc) != nil; {
		if time.Now().After(deadline) {
			ks.t.Fatalf("%s's port %d still taken 10 s after SIGKILL", svc, port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start starts target's service again and waits until it is ready.
func (ks *killStack) start(target string) {
	ks.t.Helper()
	if out, stderr, err := ks.c.run("start", target, "--mode", "events"); err != nil {
		ks.t.Fatalf("start %s-svc: %v\n%s\n%s", target, err, out, stderr)
	}
}

// answered counts a load's answers, so that breaks are paced by the orders
// that went through rather than by the clock.
type answered struct{ n atomic.Int64 }

func (a *answered) add() { a.n.Add(1) }

// waitFor polls until at least n orders were answered, or fails the test
// once within has passed.
func (a *answered) waitFor(ctx context.Context, t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for int(a.n.Load()) < n {
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("only %d orders answered within %s, waiting for %d", a.n.Load(), within, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
