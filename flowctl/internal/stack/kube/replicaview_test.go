package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// metricsPods is a Dialer whose pods each answer /metrics with a count of
// their own: 1 for the first pod dialled, 2 for the next.
type metricsPods struct {
	mu      sync.Mutex
	servers map[string]*httptest.Server
}

func (p *metricsPods) DialPod(ctx context.Context, _, pod string, _ int) (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.servers == nil {
		p.servers = map[string]*httptest.Server{}
	}
	s, ok := p.servers[pod]
	if !ok {
		n := len(p.servers) + 1
		s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, "consumer_duplicate_events_total %d\n", n)
		}))
		p.servers[pod] = s
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.Listener.Addr().String())
}

// Each ready pod is read on its own: two pods, two counts (1 and 2), not
// one pod's through the balancer.
func TestReplicaMetricsReadsEachPod(t *testing.T) {
	c := newCluster(t, "events-your-kafka")
	dial := &metricsPods{}
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
	got, err := r.ReplicaMetrics(context.Background(), stackmode.Events, "inventory-svc")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, m := range got {
		sum += m["consumer_duplicate_events_total"]
	}
	if len(got) != 2 || sum != 3 {
		t.Errorf("metrics %v: want 2 pods read, counts 1 + 2", got)
	}
	r.cfg.URL = "http://ingress/{service}"
	if _, err := r.ReplicaMetrics(context.Background(), stackmode.Events, "inventory-svc"); !errors.Is(err, stack.ErrNotOurs) {
		t.Errorf("through an ingress: %v, want ErrNotOurs", err)
	}
}
