package kube

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// podServers is a Dialer that reaches a test server per pod, made on the
// first dial by handler (n: 1 for the first pod dialled, 2 for the next;
// nil: each answers with its pod's name), and keeps the port each pod was
// dialled on.
type podServers struct {
	handler func(pod string, n int) http.Handler
	mu      sync.Mutex
	servers map[string]*httptest.Server
	ports   map[string]int
}

func (p *podServers) DialPod(ctx context.Context, _, pod string, port int) (net.Conn, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.servers == nil {
		p.servers, p.ports = map[string]*httptest.Server{}, map[string]int{}
	}
	s, ok := p.servers[pod]
	if !ok {
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, pod) })
		if p.handler != nil {
			h = p.handler(pod, len(p.servers)+1)
		}
		s = httptest.NewServer(h)
		p.servers[pod] = s
	}
	p.ports[pod] = port
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.Listener.Addr().String())
}

func (p *podServers) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.servers {
		s.Close()
	}
}

// twoReadyPods is the runtime on a cluster with "your Kafka" whose pods
// dial reaches, once inventory-svc's balancer sees its 2 pods ready; the
// pods' servers close and the stacks go down at the test's end.
func twoReadyPods(t *testing.T, dial *podServers) (*Runtime, *balancer) {
	t.Helper()
	c := newCluster(t, "events-your-kafka")
	r := New(c.client, Config{Namespace: yourKafka, Poll: 1e6, Timeout: 20e9}, dial)
	t.Cleanup(func() {
		_, _ = r.Down(context.Background(), stackmode.All, false, io.Discard)
		dial.close()
	})
	b, err := r.balancer(stackmode.Events, "inventory-svc")
	if err != nil {
		t.Fatal(err)
	}
	until(t, func() bool { ts, err := b.ready(context.Background()); return err == nil && len(ts) == 2 }, "2 ready pods")
	return r, b
}
