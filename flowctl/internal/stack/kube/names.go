package kube

import (
	"fmt"
	"strings"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// What deploy/k8s names: the Kafka StatefulSet of an events overlay, the
// Jaeger Deployment, the container every service Deployment runs
// (base/pod-defaults.yaml) and the label every object of the stack carries.
// The stack's ConfigMap is found through a Deployment's envFrom: kustomize
// adds a hash to its name.
const (
	brokerSet     = "kafka"
	jaegerName    = "jaeger"
	container     = "service"
	partOfLabel   = "app.kubernetes.io/part-of=orderflow"
	defaultNSTmpl = "orderflow-{mode}"
)

// Annotations flowctl leaves on what it changes, so a later flowctl (a new
// process) knows what to put back.
const (
	// replicasAnnotation keeps a workload's replicas while flowctl has
	// stopped it (scaled to 0), for the start that follows.
	replicasAnnotation = "orderflow.flowctl/replicas-before-stop"
	// envAnnotation lists the variables SetEnv put in a service's
	// container, so the next SetEnv drops them and nothing else.
	envAnnotation = "orderflow.flowctl/env"
)

// namespace is mode's namespace: tmpl with {mode} replaced.
func namespace(tmpl string, m stackmode.Mode) string {
	if tmpl == "" {
		tmpl = defaultNSTmpl
	}
	return strings.ReplaceAll(tmpl, "{mode}", string(m))
}

// serviceURL is tmpl (FLOWCTL_KUBE_URL) for svc in ns.
func serviceURL(tmpl, ns, svc string) string {
	return strings.NewReplacer("{service}", svc, "{namespace}", ns).Replace(tmpl)
}

// applyHint is the one line that tells how to deploy mode's stack.
func applyHint(m stackmode.Mode) string {
	return fmt.Sprintf("deploy it first: kubectl apply -k deploy/k8s/overlays/%s (README, \"On your cluster\")", m)
}

// stackNS is one stack and its namespace.
type stackNS struct {
	mode stackmode.Mode
	ns   string
}

// namespaces are the stacks' namespaces, each once (a FLOWCTL_KUBE_NAMESPACE
// without {mode} puts every stack in one), those of stacks with a broker
// only when brokers.
func (r *Runtime) namespaces(brokers bool) []stackNS {
	var out []stackNS
	seen := map[string]bool{}
	for _, m := range stackmode.All {
		if ns := r.ns(m); !seen[ns] && (!brokers || m.Kafka()) {
			seen[ns] = true
			out = append(out, stackNS{m, ns})
		}
	}
	return out
}
