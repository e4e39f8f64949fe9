package config_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"
)

// pendingVars are names the manifests may use before their row is in Vars,
// with who adds it. A name here that Vars already has fails the test, so the
// list empties itself as the rows land.
var pendingVars = map[string]string{}

// manifestServices are the workloads whose containers must read only the env
// table: the four services, whatever the overlay.
func manifestServices() []string { return append(topology.Names(), topology.FraudSvc) }

// TestKubernetesManifestsUseOnlyTableVars checks each service container's
// variables in every overlay of deploy/k8s against Vars.
func TestKubernetesManifestsUseOnlyTableVars(t *testing.T) {
	known := tableNames(t)
	forEachOverlay(t, func(t *testing.T, docs []map[string]any) {
		for _, p := range manifestEnvProblems(docs, known, manifestServices()) {
			t.Error(p)
		}
	})
}

// forEachOverlay renders each overlay of deploy/k8s with kubectl and runs
// check on its objects in a subtest named after it. Without kubectl it
// skips, or fails with REQUIRE_KUBECTL=1 (make k8s-check, CI).
func forEachOverlay(t *testing.T, check func(*testing.T, []map[string]any)) {
	t.Helper()
	if _, err := exec.LookPath("kubectl"); err != nil {
		if os.Getenv("REQUIRE_KUBECTL") == "1" {
			t.Fatalf("REQUIRE_KUBECTL=1 but there is no kubectl on PATH: %v", err)
		}
		t.Skipf("no kubectl on PATH to render deploy/k8s (REQUIRE_KUBECTL=1 turns this skip into a failure)")
	}
	overlays, err := filepath.Glob("../../deploy/k8s/overlays/*")
	if err != nil || len(overlays) == 0 {
		t.Fatalf("no overlays under deploy/k8s/overlays (err %v)", err)
	}
	for _, dir := range overlays {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			out, err := exec.Command("kubectl", "kustomize", dir).Output()
			if err != nil {
				t.Fatalf("kubectl kustomize %s: %v", dir, stderrOf(err))
			}
			docs, err := decodeDocs(out)
			if err != nil {
				t.Fatalf("%s renders YAML that does not decode: %v", dir, err)
			}
			check(t, docs)
		})
	}
}

// TestManifestEnvProblemsCatchesEachKind feeds the check a manifest broken on
// purpose: a name not in the table in env and through a ConfigMap, a Secret
// the manifest lacks, and a service missing, so the check is seen failing.
func TestManifestEnvProblemsCatchesEachKind(t *testing.T) {
	const broken = `
apiVersion: v1
kind: ConfigMap
metadata: {name: stack}
data: {MODE: events, KAFKA_BROKER: "kafka:9092"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: order-svc}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: order-svc}}
    spec:
      containers:
        - name: service
          envFrom: [{configMapRef: {name: stack}}, {secretRef: {name: missing}}]
          env: [{name: LOG_LEVEL, value: info}, {name: ORDER_TIMEOUT, value: 3s}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/name: kafka}}
    spec:
      containers: [{name: kafka, env: [{name: KAFKA_NODE_ID, value: "1"}]}]
`
	docs, err := decodeDocs([]byte(broken))
	if err != nil {
		t.Fatal(err)
	}
	got := manifestEnvProblems(docs, tableNames(t), []string{topology.OrderSvc, topology.InventorySvc})
	want := []string{
		`Deployment order-svc, container service: env ORDER_TIMEOUT is not in the env table`,
		`Deployment order-svc, container service: envFrom ConfigMap stack gives KAFKA_BROKER, which is not in the env table`,
		`Deployment order-svc, container service: envFrom Secret missing is not in the manifest`,
		`no workload for service inventory-svc`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems:\n%s\nwant (in this order; the Kafka StatefulSet is not a service and is not checked):\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func tableNames(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	for _, v := range config.Vars {
		known[v.Name] = true
	}
	for name, who := range pendingVars {
		if known[name] {
			t.Errorf("%s is in config.Vars now (%s): remove it from pendingVars", name, who)
		}
		known[name] = true
	}
	return known
}

func decodeDocs(b []byte) ([]map[string]any, error) {
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// manifestEnvProblems lists, sorted, each variable a service's container is
// given (env, or the keys of an envFrom ConfigMap or Secret) that is not in
// known, each envFrom source the manifest lacks, and each service of services
// with no Deployment or StatefulSet (so an empty render cannot pass).
func manifestEnvProblems(docs []map[string]any, known map[string]bool, services []string) []string {
	sources := map[string][]string{} // "ConfigMap name" → its keys
	for _, d := range docs {
		if k := str(d, "kind"); k == "ConfigMap" || k == "Secret" {
			sources[k+" "+str(dig(d, "metadata"), "name")] = append(keys(dig(d, "data")), keys(dig(d, "stringData"))...)
		}
	}
	var problems []string
	seen := map[string]bool{}
	for _, d := range docs {
		kind := str(d, "kind")
		if kind != "Deployment" && kind != "StatefulSet" {
			continue
		}
		tmpl := dig(dig(d, "spec"), "template")
		name := str(dig(dig(tmpl, "metadata"), "labels"), "app.kubernetes.io/name")
		if !slices.Contains(services, name) {
			continue
		}
		seen[name] = true
		where := kind + " " + str(dig(d, "metadata"), "name")
		spec := dig(tmpl, "spec")
		for _, c := range append(list(spec, "containers"), list(spec, "initContainers")...) {
			problems = append(problems, containerEnvProblems(where+", container "+str(c, "name"), c, sources, known)...)
		}
	}
	sort.Strings(problems)
	for _, s := range services {
		if !seen[s] {
			problems = append(problems, "no workload for service "+s)
		}
	}
	return problems
}

func containerEnvProblems(where string, c map[string]any, sources map[string][]string, known map[string]bool) []string {
	var problems []string
	for _, e := range list(c, "env") {
		if n := str(e, "name"); !known[n] {
			problems = append(problems, fmt.Sprintf("%s: env %s is not in the env table", where, n))
		}
	}
	for _, from := range list(c, "envFrom") {
		for kind, field := range map[string]string{"ConfigMap": "configMapRef", "Secret": "secretRef"} {
			ref := dig(from, field)
			if ref == nil {
				continue
			}
			src := kind + " " + str(ref, "name")
			ks, ok := sources[src]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: envFrom %s is not in the manifest", where, src))
			}
			for _, k := range ks {
				if n := str(from, "prefix") + k; !known[n] {
					problems = append(problems, fmt.Sprintf("%s: envFrom %s gives %s, which is not in the env table", where, src, n))
				}
			}
		}
	}
	return problems
}

func dig(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

func list(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	items, _ := m[key].([]any)
	for _, it := range items {
		if v, ok := it.(map[string]any); ok {
			out = append(out, v)
		}
	}
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func stderrOf(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Sprintf("%v: %s", err, bytes.TrimSpace(exit.Stderr))
	}
	return err.Error()
}
