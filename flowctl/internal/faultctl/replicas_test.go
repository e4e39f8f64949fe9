package faultctl

import (
	"context"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// twoReplicas is a runtime whose inventory-svc runs as two replicas.
type twoReplicas struct {
	stack.Unimplemented
	bases []string
}

func (r twoReplicas) ReplicaEndpoints(context.Context, stackmode.Mode, string) ([]api.Replica, error) {
	return []api.Replica{{Name: "inventory-svc#1", Base: r.bases[0]}, {Name: "inventory-svc#2", Base: r.bases[1]}}, nil
}

// With the runtime, set reaches each replica and says so; show says when
// they disagree instead of showing one replica's faults as the service's.
func TestApplyReachesEachReplica(t *testing.T) {
	one, calls1 := fakeAdmin(t, "tok")
	two, calls2 := fakeAdmin(t, "tok")
	rt := twoReplicas{bases: []string{one.URL, two.URL}}
	c := Controller{Token: "tok", Services: []string{"inventory-svc"},
		URLs:    func(stackmode.Mode) map[string]string { return map[string]string{"inventory-svc": one.URL} },
		Runtime: func(context.Context) (stack.Runtime, error) { return rt, nil }}
	ctx := context.Background()
	var notes []string
	note := func(_ stackmode.Mode, _ string, _ api.Faults, n string) { notes = append(notes, n) }
	if _, err := c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory"}, Set, api.Faults{Latency: "300ms"}, note); err != nil {
		t.Fatal(err)
	}
	if len(*calls1) != 1 || len(*calls2) != 1 || notes[0] != "reached 2 of 2 replicas" {
		t.Fatalf("set: calls %v %v, note %q; want each replica once and the reach said", *calls1, *calls2, notes[0])
	}
	c.Runtime = func(context.Context) (stack.Runtime, error) {
		return twoReplicas{bases: []string{one.URL, one.URL}}, nil
	}
	c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory"}, Clear, api.Faults{}, nil) // clears #1 only
	c.Runtime = func(context.Context) (stack.Runtime, error) { return rt, nil }
	if _, err := c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory"}, Show, api.Faults{}, note); err != nil {
		t.Fatal(err)
	}
	if got := notes[len(notes)-1]; !strings.Contains(got, "disagree") || !strings.Contains(got, "inventory-svc#2: latency 300ms") {
		t.Errorf("show of disagreeing replicas: note %q", got)
	}
}
