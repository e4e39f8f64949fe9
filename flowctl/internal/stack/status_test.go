package stack

import (
	"context"
	"slices"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// staterRuntime is a runtime holding the events stack, whose rows it says
// itself (as Docker's containers do).
type staterRuntime struct {
	fakeRuntime
	asked []stackmode.Mode
}

func (r *staterRuntime) StackStates(_ context.Context, m stackmode.Mode) ([]State, error) {
	r.asked = append(r.asked, m)
	if m != stackmode.Events {
		return nil, nil
	}
	return []State{
		{Name: "inventory-svc", Mode: string(m), Ours: true, Ready: true, Detail: "balancer over 2 replica(s), 1 ready"},
		{Name: "inventory-svc#1", Mode: string(m), Ours: true, Ready: true},
		{Name: "inventory-svc#2", Mode: string(m), Ours: true},
	}, nil
}

// TestStatusTakesTheRuntimesRows: a runtime that holds stacks and says
// their states gives a stack's rows (replicas included); a stack it does
// not run is read natively, and a runtime holding nothing is not asked.
func TestStatusTakesTheRuntimesRows(t *testing.T) {
	l, err := NewLayout(".", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, holds := range []bool{true, false} {
		d := &staterRuntime{fakeRuntime: fakeRuntime{kind: "docker", holds: holds}}
		s := &Stacks{Kind: RuntimeAuto, PortBase: 47080, BrokerPort: 47092, layout: l,
			runtimes: []Provider{staterProvider{d}, fakeProvider{kind: "native", rt: &fakeRuntime{kind: "native"}}}}
		states, err := s.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		sync := 0
		for _, st := range states {
			switch st.Mode {
			case string(stackmode.Events):
				events = append(events, st.Name+" "+st.Detail)
			case string(stackmode.Sync):
				sync++
			}
		}
		// Natively every stack lists its three services, stopped.
		want := []string{"order-svc ", "inventory-svc ", "invoicing-svc "}
		if holds {
			want = []string{"inventory-svc balancer over 2 replica(s), 1 ready", "inventory-svc#1 ", "inventory-svc#2 "}
		}
		if !slices.Equal(events, want) || sync != 3 {
			t.Errorf("holds %v: events rows %q, %d sync rows; want %q, 3", holds, events, sync, want)
		}
		if !holds && len(d.asked) != 0 {
			t.Errorf("a runtime holding nothing was asked for %v", d.asked)
		}
	}
}

// staterProvider opens a staterRuntime.
type staterProvider struct{ rt *staterRuntime }

func (p staterProvider) Kind() RuntimeKind { return "docker" }
func (p staterProvider) Name() string      { return "Engine" }
func (p staterProvider) Open(context.Context, *Stacks) (Runtime, error) {
	return p.rt, nil
}
