package kube

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/orderflow/platform/problem"
)

// Dialer reaches port of pod in ns: a port-forward on a cluster, a plain
// connection in a test.
type Dialer interface {
	DialPod(ctx context.Context, ns, pod string, port int) (net.Conn, error)
}

// balancer is a local HTTP endpoint for one Service of the cluster: each
// request goes to the next ready pod behind the Service, round robin, as
// the Service itself would spread connections. It balances requests, not
// connections, so a pod that starts terminating (not ready, or deleted)
// gets no new request while the ones it serves finish: scale-in drains.
// Not flowctl/internal/balancer (the native one): that one is told its
// backends (host:port, PUT by flowctl scale) and probes their /readyz
// itself; here the rotation is read from the cluster on every request
// (the pods' Ready condition, the kubelet's probe) and each pod is reached
// through a port-forward dialer, not an address.
type balancer struct {
	r       *Runtime
	ns, svc string
	proxy   *httputil.ReverseProxy
	srv     *http.Server
	addr    string
	next    atomic.Uint64

	pods *podCache

	mu      sync.Mutex
	backend *backend // the Service's selector and port, read once
}

// backend is what the balancer needs of its Service.
type backend struct {
	selector labels.Selector
	port     intstr.IntOrString
}

// target is one ready pod and the port its container serves the Service on.
type target struct {
	pod  string
	port int
}

type targetKey struct{}

// newBalancer listens on a free loopback port for svc in ns, picking
// from pods.
func newBalancer(r *Runtime, ns, svc string, pods *podCache) (*balancer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for %s/%s: %w", ns, svc, err)
	}
	b := &balancer{r: r, ns: ns, svc: svc, addr: ln.Addr().String(), pods: pods}
	tr := &http.Transport{
		// The host of a request's URL is the pod: the dialer reaches it.
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			pod, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			p, _ := strconv.Atoi(port)
			return r.dialer.DialPod(ctx, ns, pod, p)
		},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}
	b.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			t := pr.In.Context().Value(targetKey{}).(target)
			pr.SetURL(&url.URL{Scheme: "http", Host: net.JoinHostPort(t.pod, strconv.Itoa(t.port))})
			pr.Out.Host = pr.In.Host
		},
		Transport: tr,
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			t := req.Context().Value(targetKey{}).(target)
			problem.Write(w, problem.New(http.StatusBadGateway, "kube-forward", "The pod did not answer",
				fmt.Sprintf("%s/%s, pod %s: %v", ns, svc, t.pod, err)))
		},
	}
	b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	return b, nil
}

// ServeHTTP sends the request to the next ready pod.
func (b *balancer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	t, err := b.pick(req.Context())
	if err != nil {
		problem.Write(w, problem.New(http.StatusServiceUnavailable, "kube-no-pod", "No ready pod", err.Error()))
		return
	}
	b.proxy.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), targetKey{}, t)))
}

// URL is the balancer's base URL.
func (b *balancer) URL() string { return "http://" + b.addr }

// Close stops listening and ends the requests in flight.
func (b *balancer) Close() error { return b.srv.Close() }

// pick is the next ready pod, round robin.
func (b *balancer) pick(ctx context.Context) (target, error) {
	ts, err := b.ready(ctx)
	if err != nil {
		return target{}, err
	}
	if len(ts) == 0 {
		return target{}, fmt.Errorf("no pod of Service %s/%s is ready (is it stopped? `kubectl -n %s get pods`)", b.ns, b.svc, b.ns)
	}
	return ts[int(b.next.Add(1)-1)%len(ts)], nil
}

// ready are the Service's pods that are ready and not being deleted, in
// name order, each with the port the Service targets.
func (b *balancer) ready(ctx context.Context) ([]target, error) {
	be, err := b.service(ctx)
	if err != nil {
		return nil, err
	}
	pods, err := b.pods.pods(ctx, be.selector)
	if err != nil {
		return nil, err
	}
	var out []target
	for _, p := range pods {
		port, err := targetPort(&p, be.port)
		if p.DeletionTimestamp != nil || !podReady(&p) || err != nil {
			continue
		}
		out = append(out, target{pod: p.Name, port: port})
	}
	slices.SortFunc(out, func(a, b target) int { return strings.Compare(a.pod, b.pod) })
	return out, nil
}

// service reads the Service's selector and first port once.
func (b *balancer) service(ctx context.Context) (*backend, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.backend != nil {
		return b.backend, nil
	}
	s, err := b.r.client.CoreV1().Services(b.ns).Get(ctx, b.svc, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("Service %s/%s: %w", b.ns, b.svc, err)
	}
	if len(s.Spec.Ports) == 0 || len(s.Spec.Selector) == 0 {
		return nil, fmt.Errorf("Service %s/%s has no port or no selector to forward to", b.ns, b.svc)
	}
	b.backend = &backend{selector: labels.SelectorFromSet(s.Spec.Selector), port: s.Spec.Ports[0].TargetPort}
	return b.backend, nil
}

// targetPort is the container port tp names (a number, or a port's name).
func targetPort(p *corev1.Pod, tp intstr.IntOrString) (int, error) {
	if tp.Type == intstr.Int {
		return tp.IntValue(), nil
	}
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == tp.StrVal {
				return int(cp.ContainerPort), nil
			}
		}
	}
	return 0, errors.New("pod " + p.Name + " has no port named " + tp.StrVal)
}

// podReady says the pod's Ready condition is true (its /readyz answers).
func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
