package kube

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// faultPods is a Dialer whose pods each keep their own /admin/faults.
type faultPods struct {
	mu      sync.Mutex
	servers map[string]*httptest.Server
	faults  map[string]*api.Faults
}

func (p *faultPods) DialPod(ctx context.Context, _, pod string, _ int) (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.servers == nil {
		p.servers, p.faults = map[string]*httptest.Server{}, map[string]*api.Faults{}
	}
	s, ok := p.servers[pod]
	if !ok {
		f := &api.Faults{Latency: "0s"}
		p.faults[pod] = f
		s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p.mu.Lock()
			defer p.mu.Unlock()
			if r.Method == http.MethodPut {
				_ = json.NewDecoder(r.Body).Decode(f)
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(f)
		}))
		p.servers[pod] = s
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.Listener.Addr().String())
}

// A fault set through the admin client reaches every ready pod, each
// through its own port-forward; through an ingress it reaches one pod of
// an unknown number, and says so.
func TestAdminReachesEveryPod(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	dial := &faultPods{}
	defer func() {
		for _, s := range dial.servers {
			s.Close()
		}
	}()
	r := New(c.client, Config{Namespace: yourKafka, Poll: 1e6, Timeout: 20e9}, dial)
	defer r.Down(context.Background(), stackmode.All, false, io.Discard)
	b, err := r.balancer(stackmode.Events, "inventory-svc")
	if err != nil {
		t.Fatal(err)
	}
	until(t, func() bool { ts, err := b.ready(context.Background()); return err == nil && len(ts) == 2 }, "2 ready pods")
	rt := func(context.Context) (stack.Runtime, error) { return r, nil }
	admin := api.NewAdmin(b.URL(), "inventory-svc", "tok", nil).EachReplica(stack.AdminReplicas(rt, stackmode.Events, "inventory-svc"))
	_, reach, err := admin.Set(context.Background(), api.Faults{ErrorRate: 0.4})
	if err != nil || reach.String() != "2 of 2 replicas" {
		t.Fatalf("Set: %v, reach %q", err, reach)
	}
	dial.mu.Lock()
	for pod, f := range dial.faults {
		if f.ErrorRate != 0.4 {
			t.Errorf("pod %s has %+v, want error rate 0.4", pod, *f)
		}
	}
	if len(dial.faults) != 2 {
		t.Errorf("%d pods reached, want 2", len(dial.faults))
	}
	dial.mu.Unlock()

	r.cfg.URL = "http://ingress/{service}"
	if _, err := r.ReplicaEndpoints(context.Background(), stackmode.Events, "inventory-svc"); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("through an ingress: %v, want ErrNotOurs", err)
	}
	_, err = stack.AdminReplicas(rt, stackmode.Events, "inventory-svc")(context.Background())
	if !errors.Is(err, api.ErrReplicasUnknown) {
		t.Errorf("through an ingress, the admin's listing: %v, want ErrReplicasUnknown", err)
	}
}
