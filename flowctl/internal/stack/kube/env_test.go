package kube

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// envOf is the service container's env entries as NAME=value.
func envOf(c *cluster, t *testing.T, ns, svc string) []string {
	t.Helper()
	var out []string
	for _, e := range serviceContainer(c.deployment(t, ns, svc)).Env {
		if e.ValueFrom == nil {
			out = append(out, e.Name+"="+e.Value)
		}
	}
	return out
}

// SetEnv puts the variables in the Deployment (a rollout: new pods), and
// the next SetEnv drops them; only documented variables pass.
func TestSetEnvRollsOutAndDropsOnNextCall(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	ctx := context.Background()
	before := c.podsOf(t, "orderflow-events", "inventory-svc")
	if err := r.SetEnv(ctx, stackmode.Events, "inventory-svc", map[string]string{"LOG_LEVEL": "debug", "CONSUMER_BATCH_MAX": ""}); err != nil {
		t.Fatal(err)
	}
	if got := envOf(c, t, "orderflow-events", "inventory-svc"); !slices.Equal(got, []string{"LOG_LEVEL=debug"}) {
		t.Fatalf("env after SetEnv = %v; want LOG_LEVEL=debug only (an empty value is the default: no entry)", got)
	}
	after := c.podsOf(t, "orderflow-events", "inventory-svc")
	if len(after) != 1 || after[0].Name == before[0].Name {
		t.Fatalf("pods %s then %s: want the pod replaced", podNames(before), podNames(after))
	}
	if err := r.SetEnv(ctx, stackmode.Events, "inventory-svc", nil); err != nil {
		t.Fatal(err)
	}
	if got := envOf(c, t, "orderflow-events", "inventory-svc"); len(got) != 0 {
		t.Fatalf("env after SetEnv(nil) = %v; want none", got)
	}
	for _, bad := range []map[string]string{{"FRAUD_CHECK": "on"}, {"KAFKA_BROKERS": "x:1"}, {"NOT_A_VAR": "1"}} {
		if err := r.SetEnv(ctx, stackmode.Events, "inventory-svc", bad); err == nil {
			t.Errorf("SetEnv(%v) accepted", bad)
		}
	}
}

// A rollout that does not finish puts the previous entries back.
func TestSetEnvPutsTheEntriesBackWhenTheRolloutFails(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	r.cfg.Timeout = 50 * time.Millisecond // the rollout is held: this is how long SetEnv waits for it
	c.hold("inventory-svc", true)
	err := r.SetEnv(context.Background(), stackmode.Events, "inventory-svc", map[string]string{"LOG_LEVEL": "debug"})
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL=debug") {
		t.Fatalf("SetEnv with a held rollout: %v; want an error naming the variables", err)
	}
	if got := envOf(c, t, "orderflow-events", "inventory-svc"); len(got) != 0 {
		t.Errorf("env after a failed SetEnv = %v; want the previous (none)", got)
	}
}

// SetPropagation sets TRACE_PROPAGATION on every service; Propagation
// reads it back, and before that the stack's ConfigMap.
func TestSetPropagation(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	if p := r.Propagation(stackmode.Events); p != "child" {
		t.Fatalf("Propagation before = %q; want the ConfigMap's child", p)
	}
	if err := r.SetPropagation(context.Background(), stackmode.Events, "off"); err != nil {
		t.Fatal(err)
	}
	for _, svc := range stack.AllServices() {
		if got := envOf(c, t, "orderflow-events", svc); !slices.Contains(got, "TRACE_PROPAGATION=off") {
			t.Errorf("%s env = %v; want TRACE_PROPAGATION=off", svc, got)
		}
	}
	if p := r.Propagation(stackmode.Events); p != "off" {
		t.Errorf("Propagation after = %q; want off", p)
	}
}

// The fraud check: fraud-svc runs idle with the ConfigMap's off, which
// counts as off; on sets FRAUD_CHECK where the wiring changes; off stops
// fraud-svc.
func TestSetFraudCheck(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	ctx := context.Background()
	if r.FraudCheck(stackmode.Events) {
		t.Fatal("FraudCheck on before any change; the overlay has FRAUD_CHECK=off")
	}
	change, err := r.SetFraudCheck(ctx, stackmode.Events, true)
	if err != nil {
		t.Fatal(err)
	}
	want := stack.FraudChange(stackmode.Events, true)
	if !slices.Equal(change.Touched(), want.Touched()) || len(change.Restarted) == 0 {
		t.Fatalf("change = %+v; want %+v", change, want)
	}
	for _, svc := range want.Touched() {
		if got := envOf(c, t, "orderflow-events", svc); !slices.Contains(got, "FRAUD_CHECK=on") {
			t.Errorf("%s env = %v; want FRAUD_CHECK=on", svc, got)
		}
	}
	if !r.FraudCheck(stackmode.Events) {
		t.Fatal("FraudCheck off after turning it on")
	}
	if _, err := r.SetFraudCheck(ctx, stackmode.Events, false); err != nil {
		t.Fatal(err)
	}
	if r.FraudCheck(stackmode.Events) || c.podCount(t, "orderflow-events", "fraud-svc") != 0 {
		t.Errorf("after off: FraudCheck %v, %d fraud-svc pods; want off and none", r.FraudCheck(stackmode.Events), c.podCount(t, "orderflow-events", "fraud-svc"))
	}
}

func podNames(ps []corev1.Pod) string {
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	return "[" + strings.Join(n, " ") + "]"
}
