package config_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
)

// TestKubernetesManifestsHaveTheirSafeguards keeps what the API server does
// not require but issue 22 does: on every Deployment and StatefulSet of
// every overlay, probes and resources on each container, a
// PodDisruptionBudget covering its pods, and topology spread where it can
// have more than one pod; on every Deployment a preStop sleep on each
// container and, on a service's, a grace period the drain fits in
// (drainProblems).
func TestKubernetesManifestsHaveTheirSafeguards(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, docs []map[string]any) {
		for _, p := range workloadSafeguardProblems(docs, manifestServices()) {
			t.Error(p)
		}
	})
}

// TestWorkloadSafeguardProblemsCatchesEachKind feeds the check a workload
// lacking each safeguard, so the check is seen failing.
func TestWorkloadSafeguardProblemsCatchesEachKind(t *testing.T) {
	const bare = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: order-svc}
spec:
  replicas: 2
  template:
    metadata: {labels: {app.kubernetes.io/name: order-svc}}
    spec:
      containers: [{name: service, resources: {requests: {cpu: 100m}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: inventory-svc}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: inventory-svc}}
    spec:
      terminationGracePeriodSeconds: 15
      topologySpreadConstraints: [{maxSkew: 1}]
      containers:
        - name: service
          lifecycle: {preStop: {sleep: {seconds: 5}}}
          readinessProbe: {httpGet: {path: /readyz}}
          livenessProbe: {httpGet: {path: /healthz}}
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 256Mi}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: inventory-svc}
spec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: inventory-svc}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  template:
    metadata: {labels: {app.kubernetes.io/name: db}}
    spec:
      containers:
        - name: db
          readinessProbe: {tcpSocket: {port: 5432}}
          livenessProbe: {tcpSocket: {port: 5432}}
          resources: {requests: {cpu: 100m, memory: 1Gi}, limits: {memory: 1Gi}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db}
spec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: db}}}
`
	docs, err := decodeDocs([]byte(bare))
	if err != nil {
		t.Fatal(err)
	}
	got := workloadSafeguardProblems(docs, []string{"order-svc", "inventory-svc"})
	want := []string{
		"Deployment inventory-svc: terminationGracePeriodSeconds 15 < preStop 5 s + shutdown 10 s + flush 5 s",
		"Deployment order-svc, container service: no livenessProbe",
		"Deployment order-svc, container service: no preStop sleep (the Service's endpoints must drop the pod before it stops serving)",
		"Deployment order-svc, container service: no readinessProbe",
		"Deployment order-svc, container service: no resources.limits.memory",
		"Deployment order-svc, container service: no resources.requests.memory",
		"Deployment order-svc: no PodDisruptionBudget selects its pods",
		"Deployment order-svc: no topologySpreadConstraints",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant (the one-replica StatefulSet with its budget has none; inventory-svc only its grace period):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// workloadSafeguardProblems lists, sorted, what each Deployment and
// StatefulSet in docs lacks. A service (by its app.kubernetes.io/name) needs
// topology spread even at one replica: scaling it is the point.
func workloadSafeguardProblems(docs []map[string]any, services []string) []string {
	var budgets []map[string]any // each PodDisruptionBudget's matchLabels
	for _, d := range docs {
		if str(d, "kind") == "PodDisruptionBudget" {
			budgets = append(budgets, dig(dig(dig(d, "spec"), "selector"), "matchLabels"))
		}
	}
	var problems []string
	for _, d := range docs {
		kind := str(d, "kind")
		if kind != "Deployment" && kind != "StatefulSet" {
			continue
		}
		where := kind + " " + str(dig(d, "metadata"), "name")
		tmpl := dig(dig(d, "spec"), "template")
		labels := dig(dig(tmpl, "metadata"), "labels")
		spec := dig(tmpl, "spec")
		for _, c := range list(spec, "containers") {
			problems = append(problems, containerSafeguardProblems(where+", container "+str(c, "name"), c)...)
		}
		if !slices.ContainsFunc(budgets, func(sel map[string]any) bool { return selects(sel, labels) }) {
			problems = append(problems, where+": no PodDisruptionBudget selects its pods")
		}
		replicas, _ := dig(d, "spec")["replicas"].(int)
		service := slices.Contains(services, str(labels, "app.kubernetes.io/name"))
		if (replicas > 1 || service) && len(list(spec, "topologySpreadConstraints")) == 0 {
			problems = append(problems, where+": no topologySpreadConstraints")
		}
		if kind == "Deployment" {
			problems = append(problems, drainProblems(where, spec, service)...)
		}
	}
	sort.Strings(problems)
	return problems
}

func containerSafeguardProblems(where string, c map[string]any) []string {
	var problems []string
	for _, probe := range []string{"readinessProbe", "livenessProbe"} {
		if dig(c, probe) == nil {
			problems = append(problems, fmt.Sprintf("%s: no %s", where, probe))
		}
	}
	res := dig(c, "resources")
	for _, need := range [][2]string{{"requests", "cpu"}, {"requests", "memory"}, {"limits", "memory"}} {
		if _, ok := dig(res, need[0])[need[1]]; !ok {
			problems = append(problems, fmt.Sprintf("%s: no resources.%s.%s", where, need[0], need[1]))
		}
	}
	return problems
}

// drainProblems: each container of a Deployment sleeps in preStop, so the
// Service's endpoints drop the pod before SIGTERM closes its listener; a
// service's grace period (30 s unset, as Kubernetes has it) covers the
// sleep, the HTTP shutdown and the trace flush.
func drainProblems(where string, spec map[string]any, isService bool) []string {
	var problems []string
	longest := 0
	for _, c := range list(spec, "containers") {
		s, ok := dig(dig(dig(c, "lifecycle"), "preStop"), "sleep")["seconds"].(int)
		if !ok || s < 1 {
			problems = append(problems, fmt.Sprintf("%s, container %s: no preStop sleep (the Service's endpoints must drop the pod before it stops serving)", where, str(c, "name")))
		}
		longest = max(longest, s)
	}
	grace, ok := spec["terminationGracePeriodSeconds"].(int)
	if !ok {
		grace = 30
	}
	shutdown, flush := int(config.ShutdownTimeout.Seconds()), int(config.FlushTimeout.Seconds())
	if isService && grace < longest+shutdown+flush {
		problems = append(problems, fmt.Sprintf("%s: terminationGracePeriodSeconds %d < preStop %d s + shutdown %d s + flush %d s", where, grace, longest, shutdown, flush))
	}
	return problems
}

// selects reports whether a non-empty matchLabels selector matches labels.
func selects(sel, labels map[string]any) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}
