package kube

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Holds says whether a stack's namespace holds orderflow's Deployments.
func (r *Runtime) Holds(ctx context.Context) bool {
	for _, sn := range r.namespaces(false) {
		if r.holdsNS(ctx, sn.ns) {
			return true
		}
	}
	return false
}

// holdsNS says whether ns holds orderflow's Deployments.
func (r *Runtime) holdsNS(ctx context.Context, ns string) bool {
	l, err := r.client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{LabelSelector: partOfLabel, Limit: 1})
	return err == nil && len(l.Items) > 0
}

// Usable is nil: the cluster answered when the runtime was opened; whether
// a stack is deployed is Up's to say, per stack.
func (r *Runtime) Usable(context.Context) error { return nil }

// Running is nil when mode's order-svc Deployment has a ready replica.
func (r *Runtime) Running(ctx context.Context, m stackmode.Mode) error {
	d, err := r.deployment(ctx, m, topology.OrderSvc)
	if err != nil {
		return err
	}
	if d.Status.ReadyReplicas == 0 {
		return fmt.Errorf("the %s stack's order-svc has no ready replica in %s: `flowctl up --runtime kubernetes --mode %s` starts what flowctl stopped", m, d.Namespace, m)
	}
	return nil
}

// URLs are FLOWCTL_KUBE_URL's per service, else the local balancers in
// front of the stack's Services (started on first use, kept while this
// flowctl runs).
func (r *Runtime) URLs(m stackmode.Mode) map[string]string {
	urls := map[string]string{}
	for _, svc := range stack.AllServices() {
		if r.cfg.URL != "" {
			urls[svc] = serviceURL(r.cfg.URL, r.ns(m), svc)
			continue
		}
		if b, err := r.balancer(m, svc); err == nil {
			urls[svc] = b.URL()
		}
	}
	return urls
}

// balancer is the running balancer for svc of mode's stack, or a new one.
func (r *Runtime) balancer(m stackmode.Mode, svc string) (*balancer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.balancers[m][svc]; ok {
		return b, nil
	}
	ns := r.ns(m)
	if r.podCaches[ns] == nil {
		r.podCaches[ns] = newPodCache(r.client, ns)
	}
	b, err := newBalancer(r, ns, svc, r.podCaches[ns])
	if err != nil {
		return nil, err
	}
	if r.balancers[m] == nil {
		r.balancers[m] = map[string]*balancer{}
	}
	r.balancers[m][svc] = b
	return b, nil
}

// Up checks that mode's stack is deployed, starts what flowctl stopped,
// sets the fraud check and the replicas asked for and waits until every
// service is ready. It applies nothing: deploying is `kubectl apply -k`'s
// (README, "On your cluster"), done once by whoever owns the cluster.
func (r *Runtime) Up(ctx context.Context, m stackmode.Mode, o stack.UpOptions) (stack.Stack, error) {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	fmt.Fprintf(o.Progress, "using the %s stack on the cluster (namespace %s; flowctl deploys nothing: kubectl apply -k deploy/k8s/overlays/%s does)\n", m, r.ns(m), m)
	if _, err := r.client.CoreV1().Namespaces().Get(ctx, r.ns(m), metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return stack.Stack{}, &NotDeployedError{Mode: m, What: "namespace " + r.ns(m)}
	}
	if m.Kafka() {
		if err := r.upBroker(ctx, m, o); err != nil {
			return stack.Stack{}, err
		}
	}
	for _, svc := range stack.Deployed(o.FraudCheck) {
		if err := r.upService(ctx, m, svc, o); err != nil {
			return stack.Stack{}, err
		}
	}
	if _, err := r.SetFraudCheck(ctx, m, o.FraudCheck); err != nil {
		return stack.Stack{}, err
	}
	return stack.Stack{Mode: m, URLs: r.URLs(m), Brokers: r.brokers(ctx, m)}, nil
}

// upService starts svc if flowctl stopped it, scales it as asked and
// waits until it is ready.
func (r *Runtime) upService(ctx context.Context, m stackmode.Mode, svc string, o stack.UpOptions) error {
	start := time.Now()
	if err := r.StartService(ctx, m, svc); err != nil {
		return err
	}
	if n, ok := o.Replicas[svc]; ok {
		if err := r.Scale(ctx, m, svc, n); err != nil {
			return err
		}
	}
	n, err := r.Replicas(ctx, m, svc)
	if err != nil {
		return err
	}
	step(o, svc, fmt.Sprintf("%d ready (Deployment %s/%s)", n, r.ns(m), svc), start)
	return nil
}

// upBroker starts the stack's Kafka StatefulSet if flowctl stopped it; a
// stack on your own Kafka has none, and that is fine.
func (r *Runtime) upBroker(ctx context.Context, m stackmode.Mode, o stack.UpOptions) error {
	start := time.Now()
	s, err := r.statefulSet(ctx, m, brokerSet)
	if notDeployed(err) {
		step(o, "broker", "none in the namespace: the services' KAFKA_BROKERS", start)
		return nil
	}
	if err != nil {
		return err
	}
	err = r.updateStatefulSet(ctx, m, brokerSet, func(s2 *appsv1.StatefulSet) {
		s2.Spec.Replicas = startMeta(&s2.ObjectMeta, s2.Spec.Replicas)
	})
	if err == nil {
		err = r.waitStatefulSet(ctx, m, brokerSet)
	}
	if err != nil {
		return fmt.Errorf("broker of the %s stack: %w", m, err)
	}
	step(o, "broker", fmt.Sprintf("StatefulSet %s/%s ready", s.Namespace, s.Name), start)
	return nil
}

// brokers is where flowctl reaches the stack's Kafka: KAFKA_BROKERS when
// set, else what order-svc is given (in-cluster names, reachable only from
// inside the cluster: a port-forward cannot carry Kafka, whose brokers
// advertise their in-cluster names).
func (r *Runtime) brokers(ctx context.Context, m stackmode.Mode) []string {
	list := r.cfg.Brokers
	if list == "" && m.Kafka() {
		if d, err := r.deployment(ctx, m, topology.OrderSvc); err == nil {
			list, _, _ = r.effectiveEnv(ctx, d, "KAFKA_BROKERS")
		}
	}
	var out []string
	for b := range strings.SplitSeq(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

func step(o stack.UpOptions, name, detail string, start time.Time) {
	if o.Step != nil {
		o.Step(stack.Step{Name: name, Detail: detail, Took: time.Since(start)})
	}
}

// Down closes this flowctl's balancers and port-forwards. It leaves the
// stacks running: flowctl did not deploy them; `kubectl delete -k
// deploy/k8s/overlays/<stack>` removes one.
func (r *Runtime) Down(ctx context.Context, modes []stackmode.Mode, _ bool, w io.Writer) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range modes {
		for _, svc := range slices.Sorted(maps.Keys(r.balancers[m])) {
			_ = r.balancers[m][svc].Close()
			n++
		}
		delete(r.balancers, m)
		if !r.holdsNS(ctx, r.ns(m)) {
			continue
		}
		fmt.Fprintf(w, "left the %s stack running in namespace %s (flowctl did not deploy it): kubectl delete -k deploy/k8s/overlays/%s removes it\n", m, r.ns(m), m)
	}
	if len(r.balancers) == 0 {
		for ns, c := range r.podCaches {
			c.close()
			delete(r.podCaches, ns)
		}
		if c, ok := r.dialer.(interface{ Close() }); ok {
			c.Close()
		}
	}
	return n, nil
}
