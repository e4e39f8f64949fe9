package kube

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// spdyTunnels reach pods through the API server's port-forward (SPDY, as
// `kubectl port-forward` does): one forward per pod and port, opened on
// first use on a free loopback port and kept while it works.
type spdyTunnels struct {
	cfg    *rest.Config
	client Client

	mu      sync.Mutex
	tunnels map[string]*tunnel
}

// tunnel is one running port-forward.
type tunnel struct {
	addr string
	stop chan struct{}
	done chan struct{} // closed when the forward ends
}

// DialPod connects to port of pod through its forward, opening it first.
func (t *spdyTunnels) DialPod(ctx context.Context, ns, pod string, port int) (net.Conn, error) {
	tn, err := t.tunnel(ns, pod, port)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", tn.addr)
}

// tunnel is the running forward to pod's port, or a new one.
func (t *spdyTunnels) tunnel(ns, pod string, port int) (*tunnel, error) {
	key := fmt.Sprintf("%s/%s:%d", ns, pod, port)
	t.mu.Lock()
	defer t.mu.Unlock()
	if tn, ok := t.tunnels[key]; ok {
		select {
		case <-tn.done:
		default:
			return tn, nil
		}
	}
	tn, err := t.forward(ns, pod, port)
	if err != nil {
		return nil, err
	}
	if t.tunnels == nil {
		t.tunnels = map[string]*tunnel{}
	}
	t.tunnels[key] = tn
	return tn, nil
}

// forward opens a port-forward to pod's port on a free loopback port.
func (t *spdyTunnels) forward(ns, pod string, port int) (*tunnel, error) {
	rt, upgrader, err := spdy.RoundTripperFor(t.cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s/%s: %w", ns, pod, err)
	}
	u := t.client.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: rt}, http.MethodPost, u)
	tn := &tunnel{stop: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan struct{})
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, tn.stop, ready, io.Discard, io.Discard)
	if err != nil {
		return nil, fmt.Errorf("port-forward to %s/%s: %w", ns, pod, err)
	}
	failed := make(chan error, 1)
	go func() {
		failed <- fw.ForwardPorts()
		close(tn.done)
	}()
	select {
	case <-ready:
	case err := <-failed:
		return nil, fmt.Errorf("port-forward to %s/%s:%d: %w", ns, pod, port, err)
	case <-time.After(30 * time.Second):
		close(tn.stop)
		return nil, fmt.Errorf("port-forward to %s/%s:%d: not ready after 30s", ns, pod, port)
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) == 0 {
		close(tn.stop)
		return nil, fmt.Errorf("port-forward to %s/%s:%d: no local port (%v)", ns, pod, port, err)
	}
	tn.addr = fmt.Sprintf("127.0.0.1:%d", ports[0].Local)
	return tn, nil
}

// Close ends every forward.
func (t *spdyTunnels) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, tn := range t.tunnels {
		select {
		case <-tn.stop:
		default:
			close(tn.stop)
		}
		delete(t.tunnels, k)
	}
}
