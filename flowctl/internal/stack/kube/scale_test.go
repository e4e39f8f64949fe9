package kube

import (
	"context"
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

const yourKafka = "orderflow-events-your-kafka"

// Scale returns only once the added replicas are ready: while the
// Deployment's controller is held, it keeps polling.
func TestScaleWaitsForReadyReplicas(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	r := runtimeOn(c, yourKafka)
	ctx := context.Background()
	c.hold("inventory-svc", true)
	done := make(chan error, 1)
	go func() { done <- r.Scale(ctx, stackmode.Events, "inventory-svc", 3) }()
	c.stillPolling(t, "inventory-svc", done, "0 of 3 new replicas were ready")
	c.hold("inventory-svc", false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := r.Replicas(ctx, stackmode.Events, "inventory-svc"); err != nil || n != 3 {
		t.Fatalf("Replicas = %d, %v; want 3", n, err)
	}
	if n := c.podCount(t, yourKafka, "inventory-svc"); n != 3 {
		t.Errorf("%d inventory-svc pods, want 3", n)
	}
}

// Scale-in returns only once the removed pods are gone, not when the
// Deployment's status first says 1.
func TestScaleInWaitsForRemovedPodsToStop(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	r := runtimeOn(c, yourKafka)
	ctx := context.Background()
	if err := r.Scale(ctx, stackmode.Events, "inventory-svc", 3); err != nil {
		t.Fatal(err)
	}
	c.holdDeletes("inventory-svc", true)
	done := make(chan error, 1)
	go func() { done <- r.Scale(ctx, stackmode.Events, "inventory-svc", 1) }()
	c.waitForTerminating(t, yourKafka, "inventory-svc", 2)
	c.stillPolling(t, "inventory-svc", done, "2 removed pods were still terminating")
	c.holdDeletes("inventory-svc", false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := c.podCount(t, yourKafka, "inventory-svc"); n != 1 {
		t.Errorf("%d inventory-svc pods after scale-in, want 1", n)
	}
}

// SQLite is one writer per volume: more replicas need the PostgreSQL
// overlay, and the error says so in one line.
func TestScaleOnSQLiteRefused(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	err := r.Scale(context.Background(), stackmode.Events, "inventory-svc", 3)
	if err == nil || !strings.Contains(err.Error(), "SQLite") || !strings.Contains(err.Error(), "sync-postgres") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Scale on SQLite: %v; want one line naming SQLite and the PostgreSQL overlays", err)
	}
	if err := r.Scale(context.Background(), stackmode.Events, "inventory-svc", 0); err == nil {
		t.Error("Scale to 0 accepted; want a pointer to `flowctl stop`")
	}
	if err := r.Scale(context.Background(), stackmode.Events, "billing-svc", 1); err == nil {
		t.Error("Scale of an unknown service accepted")
	}
}

// StopService scales to 0 and remembers the count; StartService brings
// it back.
func TestStopAndStartService(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	r := runtimeOn(c, yourKafka)
	ctx := context.Background()
	if err := r.StopService(ctx, stackmode.Events, "order-svc"); err != nil {
		t.Fatal(err)
	}
	d := c.deployment(t, yourKafka, "order-svc")
	if replicas(d.Spec.Replicas) != 0 || d.Annotations[replicasAnnotation] != "2" {
		t.Fatalf("stopped: replicas %d, annotation %q; want 0 and \"2\"", replicas(d.Spec.Replicas), d.Annotations[replicasAnnotation])
	}
	if n := c.podCount(t, yourKafka, "order-svc"); n != 0 {
		t.Fatalf("%d order-svc pods after stop", n)
	}
	if err := r.Running(ctx, stackmode.Events); err == nil {
		t.Error("Running says the stack runs with order-svc stopped")
	}
	if err := r.StartService(ctx, stackmode.Events, "order-svc"); err != nil {
		t.Fatal(err)
	}
	d = c.deployment(t, yourKafka, "order-svc")
	if replicas(d.Spec.Replicas) != 2 || d.Status.ReadyReplicas != 2 || d.Annotations[replicasAnnotation] != "" {
		t.Fatalf("started: replicas %d, ready %d, annotation %q; want 2, 2, none", replicas(d.Spec.Replicas), d.Status.ReadyReplicas, d.Annotations[replicasAnnotation])
	}
	if err := r.Running(ctx, stackmode.Events); err != nil {
		t.Error(err)
	}
}

// The broker is the Kafka StatefulSet; a stack on your own Kafka has none
// and flowctl says it is not its to stop.
func TestStopAndStartBroker(t *testing.T) {
	c := newCluster(t, "events")
	r := runtimeOn(c, "")
	ctx := context.Background()
	stopped, err := r.StopBroker(ctx)
	if err != nil || !stopped {
		t.Fatalf("StopBroker = %v, %v", stopped, err)
	}
	if n := c.podCount(t, "orderflow-events", "kafka"); n != 0 {
		t.Fatalf("%d kafka pods after StopBroker", n)
	}
	if again, err := r.StopBroker(ctx); err != nil || again {
		t.Errorf("second StopBroker = %v, %v; want false, nil", again, err)
	}
	if err := r.StartBroker(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := c.client.AppsV1().StatefulSets("orderflow-events").Get(ctx, "kafka", metav1.GetOptions{})
	if err != nil || s.Status.ReadyReplicas != 3 {
		t.Fatalf("after StartBroker: %v ready, %v; want 3", s.Status.ReadyReplicas, err)
	}

	theirs := runtimeOn(newCluster(t, "events-your-kafka"), yourKafka)
	if _, err := theirs.StopBroker(ctx); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("StopBroker on your own Kafka: %v; want ErrNotOurs", err)
	}
}
