// Package kube is flowctl's Kubernetes runtime: it drives stacks that
// deploy/k8s put on a cluster (`kubectl apply -k`), one namespace per
// stack. It stops, starts and scales a service by scaling its Deployment,
// the broker by scaling the Kafka StatefulSet, changes a service's
// variables in its Deployment (a rollout), and reaches the services through
// port-forwards behind a small balancer, or through a URL the user gives
// (FLOWCTL_KUBE_URL: an ingress). It applies nothing: what runs on a
// cluster is the cluster owner's to deploy (Up says how when a stack is
// not there).
package kube

import (
	"context"
	"sync"
	"time"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Kind is the Kubernetes runtime's --runtime value.
const Kind stack.RuntimeKind = "kubernetes"

// Provider opens the Kubernetes runtime when the kubeconfig's cluster
// answers. Auto never picks it: only --runtime kubernetes (RUNTIME) does,
// so flowctl never reaches a cluster unasked.
type Provider struct{}

func (Provider) Kind() stack.RuntimeKind { return Kind }
func (Provider) Name() string            { return "Kubernetes" }
func (Provider) ExplicitOnly() bool      { return true }

// Open reads the kubeconfig (KUBECONFIG, FLOWCTL_KUBE_CONTEXT) and checks
// that its cluster answers.
func (Provider) Open(ctx context.Context, s *stack.Stacks) (stack.Runtime, error) {
	cfg, err := restConfig(s.KubeConfig(), s.KubeContext())
	if err != nil {
		return nil, err
	}
	client, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	if err := answers(ctx, client, cfg.Host); err != nil {
		return nil, err
	}
	c := Config{Namespace: s.KubeNamespace(), URL: s.KubeURL(), Brokers: s.ExternalBrokers, Propagation: s.Propagation()}
	return New(client, c, &spdyTunnels{cfg: cfg, client: client}), nil
}

// Config is what the runtime needs besides a client.
type Config struct {
	// Namespace is a stack's namespace with {mode} ("": orderflow-{mode}).
	Namespace string
	// URL is the services' base URL with {service} and {namespace} (""
	// means port-forwards through the balancer).
	URL string
	// Brokers is KAFKA_BROKERS as the user set it: a Kafka flowctl can
	// reach from where it runs ("": the stack's in-cluster bootstrap).
	Brokers string
	// Propagation is what a stack's services run with when neither its
	// ConfigMap nor its Deployments say.
	Propagation config.Propagation
	// Poll and Timeout pace the waits for a rollout or a scale (0: 1 s and
	// 5 min, long enough for a node to pull an image).
	Poll, Timeout time.Duration
}

// Runtime drives the stacks deployed on one cluster.
type Runtime struct {
	client Client
	cfg    Config
	dialer Dialer

	mu        sync.Mutex
	balancers map[stackmode.Mode]map[string]*balancer
	podCaches map[string]*podCache // by namespace, for the balancers
}

// New is the runtime on client; dialer reaches a pod's port.
func New(client Client, c Config, dialer Dialer) *Runtime {
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	return &Runtime{client: client, cfg: c, dialer: dialer, balancers: map[stackmode.Mode]map[string]*balancer{},
		podCaches: map[string]*podCache{}}
}

func (r *Runtime) Runtime() string { return string(Kind) }

// JaegerUI is false: Jaeger's UI is in the cluster, not at the URL flowctl
// links to (`kubectl port-forward svc/jaeger 16686` brings it there).
func (r *Runtime) JaegerUI() bool { return false }

// ns is mode's namespace.
func (r *Runtime) ns(m stackmode.Mode) string { return namespace(r.cfg.Namespace, m) }
