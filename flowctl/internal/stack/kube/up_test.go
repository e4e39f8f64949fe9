package kube

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// Up deploys nothing: it starts what flowctl stopped, waits, and returns
// the balancers' URLs and the brokers the services are given.
func TestUpStartsWhatWasStoppedAndReturnsTheStack(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	ctx := context.Background()
	if _, err := r.StopBroker(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.StopService(ctx, stackmode.Events, "order-svc"); err != nil {
		t.Fatal(err)
	}
	var steps []string
	var progress bytes.Buffer
	st, err := r.Up(ctx, stackmode.Events, stack.UpOptions{Progress: &progress, Step: func(s stack.Step) { steps = append(steps, s.Name) }})
	if err != nil {
		t.Fatal(err)
	}
	var down bytes.Buffer
	defer func() {
		if _, err := r.Down(ctx, stackmode.All, false, &down); err != nil || strings.Count(down.String(), "left the") != 1 {
			t.Errorf("Down: %v, %q; want one line for the one stack deployed", err, down.String())
		}
	}()
	if c.deployment(t, "orderflow-events", "order-svc").Status.ReadyReplicas != 1 || c.podCount(t, "orderflow-events", "kafka") != 3 {
		t.Fatal("Up did not start order-svc and the brokers again")
	}
	if !slices.Equal(steps, []string{"broker", "order-svc", "inventory-svc", "invoicing-svc"}) {
		t.Errorf("steps %v", steps)
	}
	if !strings.Contains(progress.String(), "kubectl apply -k deploy/k8s/overlays/events") {
		t.Errorf("progress %q does not say who deploys", progress.String())
	}
	if len(st.URLs) != 4 || !strings.HasPrefix(st.OrderURL(), "http://127.0.0.1:") {
		t.Errorf("URLs %v; want a loopback balancer per service", st.URLs)
	}
	if !slices.Equal(st.Brokers, []string{"kafka:19092"}) || st.Jaeger {
		t.Errorf("brokers %v, jaeger %v; want the services' KAFKA_BROKERS and no local Jaeger", st.Brokers, st.Jaeger)
	}
}

// Up with replicas scales as asked, on PostgreSQL.
func TestUpWithReplicas(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	r := runtimeOn(c, yourKafka)
	_, err := r.Up(context.Background(), stackmode.Events, stack.UpOptions{Replicas: map[string]int{"inventory-svc": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.podCount(t, yourKafka, "inventory-svc"); n != 3 {
		t.Errorf("%d inventory-svc pods; want 3", n)
	}
	if n := c.podCount(t, yourKafka, "order-svc"); n != 2 {
		t.Errorf("%d order-svc pods; want the overlay's 2", n)
	}
}

// FLOWCTL_KUBE_URL replaces the port-forwards.
func TestURLTemplate(t *testing.T) {
	r := New(fake.NewClientset(), Config{URL: "https://{namespace}.example/{service}"}, nil)
	if got := r.URLs(stackmode.Orchestration)["inventory-svc"]; got != "https://orderflow-events-orchestration.example/inventory-svc" {
		t.Errorf("URL %q", got)
	}
}

// What is missing says so in one line and says how to deploy.
func TestNotDeployed(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	ctx := context.Background()
	_, err := r.Up(ctx, stackmode.Sync, stack.UpOptions{})
	var nd *NotDeployedError
	if !errors.As(err, &nd) || !strings.Contains(err.Error(), "no namespace orderflow-sync") || !strings.Contains(err.Error(), "kubectl apply -k deploy/k8s/overlays/sync") {
		t.Fatalf("Up of an absent stack: %v", err)
	}
	for name, err := range map[string]error{
		"StopService": r.StopService(ctx, stackmode.Sync, "order-svc"),
		"Scale":       r.Scale(ctx, stackmode.Sync, "order-svc", 1),
		"Running":     r.Running(ctx, stackmode.Sync),
	} {
		if !errors.As(err, &nd) {
			t.Errorf("%s on an absent namespace: %v", name, err)
		}
	}
	if err := c.client.AppsV1().Deployments("orderflow-events").Delete(ctx, "inventory-svc", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	err = r.StopService(ctx, stackmode.Events, "inventory-svc")
	if !errors.As(err, &nd) || !strings.Contains(err.Error(), "no Deployment orderflow-events/inventory-svc") || strings.Contains(err.Error(), "\n") {
		t.Errorf("StopService of a missing Deployment: %v", err)
	}
	if _, err := r.Up(ctx, stackmode.Events, stack.UpOptions{}); !errors.As(err, &nd) {
		t.Errorf("Up with a Deployment missing: %v", err)
	}
	if err := r.WipeService(ctx, stackmode.Events, "inventory-svc"); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("WipeService: %v; want ErrNotOurs", err)
	}
}

// Holds sees a stack's Deployments; an empty cluster holds none.
func TestHolds(t *testing.T) {
	if !runtimeOn(newCluster(t, "events"), "").Holds(context.Background()) {
		t.Error("Holds is false with the events stack deployed")
	}
	if New(fake.NewClientset(), Config{}, nil).Holds(context.Background()) {
		t.Error("Holds is true on an empty cluster")
	}
}

// Logs prints each pod's log under a header; Usage says what runs and
// that nothing was measured.
func TestLogsAndUsage(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	var out bytes.Buffer
	if ok, err := r.Logs(context.Background(), &out, 20); !ok || err != nil {
		t.Fatalf("Logs = %v, %v", ok, err)
	}
	if !strings.Contains(out.String(), "==> orderflow-events/order-svc-") || !strings.Contains(out.String(), "fake logs") {
		t.Errorf("logs %q", out.String())
	}
	out.Reset()
	one := runtimeOn(c, "orderflow-events") // every stack in one namespace: its pods once
	if _, err := one.Logs(context.Background(), &out, 20); err != nil || strings.Count(out.String(), "==> orderflow-events/order-svc-") != 1 {
		t.Errorf("logs with one namespace for every stack: %v\n%s", err, out.String())
	}
	comps, err := r.Usage(context.Background(), stackmode.Events)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[usage.Kind]int{}
	for _, c := range comps {
		kinds[c.Kind]++
		if !c.Running || c.Measured || !strings.Contains(c.Impl, "not measured") {
			t.Errorf("%s: running %v, measured %v, %q", c.Name, c.Running, c.Measured, c.Impl)
		}
	}
	if kinds[usage.KindService] != 4 || kinds[usage.KindBroker] != 1 || kinds[usage.KindTracing] != 1 {
		t.Errorf("components by kind %v; want 4 services, a broker, Jaeger", kinds)
	}
	if procs, why := r.Processes(context.Background(), stackmode.Events); procs != nil || why == "" {
		t.Errorf("Processes = %v, %q", procs, why)
	}
}
