package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
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
// the broker is not restarted: the rest of `make test` shares it. A stack
// whose services run as replicas (killSpec.replicas) loses one replica per
// kill, picked by a seeded random source; log records every break.
type killStack struct {
	t          *testing.T
	c          *cli
	runDir     string
	base       int
	brokerPort int
	external   string
	mode       stackmode.Mode
	replicas   int        // of every service; 0: each runs as one process, unscaled
	pick       *rand.Rand // which replica a kill takes
	log        []chaosBreak
	// skippedByKilled sums duplicatesMetric of the replicas killed, read
	// just before each SIGKILL: a process's counters die with it.
	skippedByKilled float64
}

// killSpec is the stack upKillStackOf brings up: prefix names its topics
// on an external broker, env goes on top of what the test's flowctl passes
// to the services; replicas > 0 runs every service as that many replicas
// behind flowctl's balancer (the stack needs DATABASE_URL in env then), the
// replica each kill takes drawn from seed.
type killSpec struct {
	prefix, external string
	env              map[string]string
	mode             stackmode.Mode
	replicas         int
	seed             uint64
}

// upKillStack brings up the events stack (no Jaeger) on free ports, on the
// broker external names ("": the embedded one), with env on top of what the
// test's flowctl passes to the services.
func upKillStack(t *testing.T, prefix, external string, env map[string]string) *killStack {
	t.Helper()
	return upKillStackOf(t, killSpec{prefix: prefix, external: external, env: env, mode: stackmode.Events})
}

// upKillStackOf brings up spec's stack (no Jaeger) on free ports.
func upKillStackOf(t *testing.T, spec killSpec) *killStack {
	t.Helper()
	c, runDir, base, brokerPort := nativeCLI(t)
	ks := &killStack{t: t, c: c, runDir: runDir, base: base, brokerPort: brokerPort, external: spec.external,
		mode: spec.mode, replicas: spec.replicas, pick: rand.New(rand.NewPCG(spec.seed, spec.seed))}
	if ks.external != "" {
		c.env["KAFKA_BROKERS"] = ks.external
		c.env["KAFKA_TOPIC_PREFIX"] = fmt.Sprintf("%s-%d-", spec.prefix, time.Now().UnixNano())
	}
	for k, v := range spec.env {
		c.env[k] = v
	}
	args := []string{"up", "--mode", string(ks.mode), "--no-jaeger"}
	if ks.replicas > 0 {
		var each []string
		for _, svc := range ks.mode.Services() {
			each = append(each, fmt.Sprintf("%s=%d", svc.Name, ks.replicas))
		}
		args = append(args, "--replicas", strings.Join(each, ","))
	}
	if out, stderr, err := c.run(args...); err != nil {
		t.Fatalf("%v: %v\n%s\n%s", args, err, out, stderr)
	}
	return ks
}

// brokers are the addresses of the stack's broker.
func (ks *killStack) brokers() []string {
	if ks.external != "" {
		return strings.Split(ks.external, ",")
	}
	return []string{stack.Addr(ks.brokerPort)}
}

// topicPrefix is the KAFKA_TOPIC_PREFIX the stack's services got.
func (ks *killStack) topicPrefix() string { return ks.c.env["KAFKA_TOPIC_PREFIX"] }

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
	b := chaosBreak{Target: brokerBreak, Begin: time.Now()}
	if out, _, err := ks.c.run("stop", brokerBreak); err != nil {
		ks.t.Fatalf("stop kafka: %v\n%s", err, out)
	}
	if out, _, err := ks.c.run("start", brokerBreak); err != nil {
		ks.t.Fatalf("start kafka: %v\n%s", err, out)
	}
	b.End = time.Now()
	ks.log = append(ks.log, b)
}

// kill ends target's service ("inventory" for inventory-svc) with SIGKILL
// — one replica of it, drawn from ks.pick, when it runs as replicas — and
// waits until its port is free, so that a start cannot race the dying
// process.
func (ks *killStack) kill(target string) {
	ks.t.Helper()
	svc := target + "-svc"
	i, name := 0, svc
	port := stack.ServicePort(ks.base, ks.mode, svc)
	pidFile := stack.Layout{RunDir: ks.runDir}.ServicePID(ks.mode, svc)
	if ks.replicas > 0 {
		i = 1 + ks.pick.IntN(ks.replicas)
		name, port = stack.ReplicaName(svc, i), stack.ReplicaPort(port, i)
		pidFile = stack.Layout{RunDir: ks.runDir}.ReplicaPID(ks.mode, svc, i)
	}
	pid, err := stack.ReadPIDFile(pidFile)
	if err != nil {
		ks.t.Fatal(err)
	}
	if ks.replicas > 0 {
		ks.skippedByKilled += ks.skippedAt(context.Background(), stack.URL(port))
	}
	b := chaosBreak{Target: svc, Replica: i, Begin: time.Now()}
	if err := syscall.Kill(-pid.PID, syscall.SIGKILL); err != nil {
		ks.t.Fatalf("kill %s: %v", name, err)
	}
	b.End = time.Now()
	ks.log = append(ks.log, b)
	ks.t.Logf("killed %s (pid %d) with SIGKILL", name, pid.PID)
	for deadline := time.Now().Add(10 * time.Second); stack.CheckPortFree(port, name) != nil; {
		if time.Now().After(deadline) {
			ks.t.Fatalf("%s's port %d still taken 10 s after SIGKILL", name, port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start starts target's service again and waits until it is ready: the
// replica killed, when it runs as replicas (scaling to the count it has
// starts the missing one only).
func (ks *killStack) start(target string) {
	ks.t.Helper()
	args := []string{"start", target, "--mode", string(ks.mode)}
	if ks.replicas > 0 {
		args = []string{"scale", target, strconv.Itoa(ks.replicas), "--mode", string(ks.mode)}
	}
	if out, stderr, err := ks.c.run(args...); err != nil {
		ks.t.Fatalf("%v: %v\n%s\n%s", args, err, out, stderr)
	}
}

// urls are the addresses of target's processes: each replica's, or the
// one process's. A fault set through the balancer would reach one replica.
func (ks *killStack) urls(svc string) []string {
	port := stack.ServicePort(ks.base, ks.mode, svc)
	if ks.replicas == 0 {
		return []string{stack.URL(port)}
	}
	var out []string
	for i := 1; i <= ks.replicas; i++ {
		out = append(out, stack.URL(stack.ReplicaPort(port, i)))
	}
	return out
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
