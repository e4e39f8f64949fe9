package docker

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

var repoRoot = filepath.Join("..", "..", "..", "..")

// TestReplicasFileIsCurrent: deploy/docker/replicas.yml is what
// ReplicasCompose derives from docker-compose.yml now.
func TestReplicasFileIsCurrent(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReplicasCompose(base)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(repoRoot, ReplicasFile)
	if os.Getenv("UPDATE_COMPOSE") == "1" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale; run UPDATE_COMPOSE=1 go test ./flowctl/internal/stack/docker -run TestReplicasFileIsCurrent", ReplicasFile)
	}
	// Shown failing once: a change to docker-compose.yml makes the file stale.
	edited, err := ReplicasCompose(bytes.Replace(base, []byte("LOG_LEVEL: ${LOG_LEVEL:-info}"), []byte("LOG_LEVEL: debug"), 1))
	if err != nil || bytes.Equal(edited, got) {
		t.Fatalf("an edited docker-compose.yml derives the same replicas file (err %v): the staleness check cannot fail", err)
	}
}

// TestReplicaKeepsTheServiceButNotItsPins: the scalable twin is the service
// of docker-compose.yml minus the host port and SQLite volume, on the
// stack's database; the balancer has the port and the compose name.
func TestReplicaKeepsTheServiceButNotItsPins(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	gen, err := ReplicasCompose(base)
	if err != nil {
		t.Fatal(err)
	}
	var b, r struct {
		Services map[string]map[string]any `yaml:"services"`
	}
	if err := yaml.Unmarshal(base, &b); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(gen, &r); err != nil {
		t.Fatal(err)
	}
	for _, m := range stackmode.All {
		for _, svc := range append(topology.Names(), topology.FraudSvc) {
			orig, rep, lb := b.Services[container(m, svc)], r.Services[replicaService(m, svc)], r.Services[balancer(m, svc)]
			if rep["ports"] != nil || rep["volumes"] != nil || rep["image"] != orig["image"] || rep["healthcheck"] == nil {
				t.Errorf("%s: ports %v volumes %v image %v healthcheck %v", replicaService(m, svc), rep["ports"], rep["volumes"], rep["image"], rep["healthcheck"])
			}
			env, origEnv := asMap(rep["environment"]), asMap(orig["environment"])
			if env["DATABASE_URL"] != databaseURL(m) || env["MODE"] != origEnv["MODE"] || env["SAGA"] != origEnv["SAGA"] || len(env) != len(origEnv)+1 {
				t.Errorf("%s: environment %v, want the original's %v plus DATABASE_URL", replicaService(m, svc), env, origEnv)
			}
			if deps := asMap(rep["depends_on"]); deps["postgres"] == nil || len(deps) > 1+len(asMap(orig["depends_on"])) {
				t.Errorf("%s: depends_on %v", replicaService(m, svc), deps)
			}
			aliases := asMap(asMap(lb["networks"])["default"])["aliases"]
			if len(lb) == 0 || !equalYAML(t, lb["ports"], orig["ports"]) || !equalYAML(t, aliases, []any{container(m, svc)}) || asMap(lb["environment"])["BACKEND"] != replicaService(m, svc) {
				t.Errorf("%s: ports %v aliases %v env %v", balancer(m, svc), lb["ports"], aliases, lb["environment"])
			}
			if !strings.HasPrefix(asList(rep["profiles"])[0], "pg-") {
				t.Errorf("%s: profiles %v", replicaService(m, svc), rep["profiles"])
			}
		}
	}
}

func asList(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func equalYAML(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := yaml.Marshal(a)
	y, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// TestBalancerHasASlotPerReplica: the HAProxy configuration has as many
// server slots as flowctl runs replicas at most (a replica beyond them would
// run and never get a request).
func TestBalancerHasASlotPerReplica(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "docker", "haproxy", "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*server-template replica (\d+) "\$\{BACKEND\}:8080"$`).FindSubmatch(b)
	if m == nil || string(m[1]) != strconv.Itoa(stack.MaxReplicas) {
		t.Fatalf("haproxy.cfg server-template %q, want %d slots for ${BACKEND}:8080", m, stack.MaxReplicas)
	}
}

// TestPostgresFormStartsWithItsProfileOnly: in each pg- profile, with both
// files read as compose reads them, every dependency of a service is itself
// enabled (compose does not start a dependency its profiles leave out: the
// broker had no pg- profile once) and no service of the SQLite form runs.
func TestPostgresFormStartsWithItsProfileOnly(t *testing.T) {
	enabled := composeProfiles(t)
	for _, m := range stackmode.All {
		on := func(name string) bool {
			p, ok := enabled[name]
			return ok && (p.profiles == nil || slices.Contains(p.profiles, pgProfile(m)))
		}
		for name, s := range enabled {
			if !on(name) {
				continue
			}
			if name == container(m, topology.OrderSvc) {
				t.Errorf("%s: %s (SQLite form) is enabled", pgProfile(m), name)
			}
			for dep := range s.deps {
				if !on(dep) {
					t.Errorf("%s: %s depends on %s, which the profile does not enable", pgProfile(m), name, dep)
				}
			}
		}
	}
}

type profiled struct {
	profiles []string
	deps     map[string]any
}

// composeProfiles merges docker-compose.yml and the replicas file by
// service as compose does for profiles (the later file's list wins).
func composeProfiles(t *testing.T) map[string]profiled {
	t.Helper()
	out := map[string]profiled{}
	for _, f := range []string{"docker-compose.yml", ReplicasFile} {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Services map[string]struct {
				Profiles  []string       `yaml:"profiles"`
				DependsOn map[string]any `yaml:"depends_on"`
			} `yaml:"services"`
		}
		if err := yaml.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		for name, s := range c.Services {
			p := out[name]
			if s.Profiles != nil {
				p.profiles = s.Profiles
			}
			if s.DependsOn != nil {
				p.deps = s.DependsOn
			}
			out[name] = p
		}
	}
	return out
}
