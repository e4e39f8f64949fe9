package kube

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// faultPods are pods that each keep their own /admin/faults.
type faultPods struct {
	mu     sync.Mutex
	faults map[string]*api.Faults
}

func (p *faultPods) handler(pod string, _ int) http.Handler {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := &api.Faults{Latency: "0s"}
	p.faults[pod] = f
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.Method == http.MethodPut {
			_ = json.NewDecoder(r.Body).Decode(f)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f)
	})
}

// A fault set through the admin client reaches every ready pod, each
// through its own port-forward; through an ingress it reaches one pod of
// an unknown number, and says so.
func TestAdminReachesEveryPod(t *testing.T) {
	pods := &faultPods{faults: map[string]*api.Faults{}}
	r, b := twoReadyPods(t, &podServers{handler: pods.handler})
	rt := func(context.Context) (stack.Runtime, error) { return r, nil }
	admin := api.NewAdmin(b.URL(), "inventory-svc", "tok", nil).EachReplica(stack.AdminReplicas(rt, stackmode.Events, "inventory-svc"))
	_, reach, err := admin.Set(context.Background(), api.Faults{ErrorRate: 0.4})
	if err != nil || reach.String() != "2 of 2 replicas" {
		t.Fatalf("Set: %v, reach %q", err, reach)
	}
	pods.mu.Lock()
	for pod, f := range pods.faults {
		if f.ErrorRate != 0.4 {
			t.Errorf("pod %s has %+v, want error rate 0.4", pod, *f)
		}
	}
	if len(pods.faults) != 2 {
		t.Errorf("%d pods reached, want 2", len(pods.faults))
	}
	pods.mu.Unlock()

	r.cfg.URL = "http://ingress/{service}"
	if _, err := r.ReplicaEndpoints(context.Background(), stackmode.Events, "inventory-svc"); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("through an ingress: %v, want ErrNotOurs", err)
	}
	_, err = stack.AdminReplicas(rt, stackmode.Events, "inventory-svc")(context.Background())
	if !errors.Is(err, api.ErrReplicasUnknown) {
		t.Errorf("through an ingress, the admin's listing: %v, want ErrReplicasUnknown", err)
	}
}
