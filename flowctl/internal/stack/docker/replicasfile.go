package docker

import (
	"bytes"
	"fmt"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// ReplicasFile is the second compose file every compose command of flowctl
// reads: each stack's services in the form that scales (generated from
// docker-compose.yml by ReplicasCompose; `UPDATE_COMPOSE=1 go test
// ./flowctl/internal/stack/docker` rewrites it).
const ReplicasFile = "deploy/docker/replicas.yml"

// replicasHeader opens the generated file.
const replicasHeader = `# GENERATED from docker-compose.yml by flowctl/internal/stack/docker (ReplicasCompose);
# DO NOT EDIT: UPDATE_COMPOSE=1 go test ./flowctl/internal/stack/docker rewrites it.
#
# Each stack's services in the form that scales, for profile pg-<stack>
# (fraud-svc: pg-fraud-<stack>), read with docker-compose.yml as a second -f:
#   <svc>-<stack>-r    the service as in docker-compose.yml without a host port and
#                      without its SQLite volume: on PostgreSQL (DATABASE_URL, the
#                      stack's database in service postgres), so --scale may run N
#   <svc>-<stack>-lb   HAProxy (deploy/docker/haproxy) in front of the replicas, on
#                      the service's host port and under its compose name, so the
#                      host and sync callers reach the replicas through a balancer
#                      that leaves a stopping replica out (/readyz) and resends a
#                      refused connection to another one
#   postgres           orderflow/postgres:15, one database per stack
# A stack runs in one form at a time: flowctl removes the other form's containers.
#
#   docker-compose -p orderflow -f docker-compose.yml -f deploy/docker/replicas.yml \
#     --profile pg-events up -d --scale inventory-svc-events-r=3

`

// pgProfile is the profile of mode's stack in the form that scales.
func pgProfile(m stackmode.Mode) string { return "pg-" + composeStack(m) }

// replicaService is the compose service of svc's replicas in mode's stack.
func replicaService(m stackmode.Mode, svc string) string { return container(m, svc) + "-r" }

// balancer is the compose service of svc's balancer in mode's stack.
func balancer(m stackmode.Mode, svc string) string { return container(m, svc) + "-lb" }

// databaseURL is mode's stack's database in the compose postgres service.
func databaseURL(m stackmode.Mode) string {
	return "postgres://orderflow@postgres:5432/orderflow_" + composeStack(m) + "?sslmode=disable"
}

// ReplicasCompose derives the replicas file from docker-compose.yml (base):
// every stack's services, fraud-svc included, get a scalable twin and a
// balancer; the twin keeps everything else of the original (image, build,
// environment, health check, security), so the two forms cannot drift.
func ReplicasCompose(base []byte) ([]byte, error) {
	var f struct {
		Services map[string]map[string]any `yaml:"services"`
	}
	if err := yaml.Unmarshal(base, &f); err != nil {
		return nil, fmt.Errorf("docker-compose.yml: %w", err)
	}
	out := map[string]any{}
	var pgProfiles []string
	for _, m := range stackmode.All {
		pgProfiles = append(pgProfiles, pgProfile(m), "pg-"+fraudProfile(m))
		for _, svc := range append(topology.Names(), topology.FraudSvc) {
			orig, ok := f.Services[container(m, svc)]
			if !ok {
				return nil, fmt.Errorf("docker-compose.yml has no service %s", container(m, svc))
			}
			profile := pgProfile(m)
			if svc == topology.FraudSvc {
				profile = "pg-" + fraudProfile(m)
			}
			out[replicaService(m, svc)] = replicaOf(orig, m, profile)
			out[balancer(m, svc)] = balancerOf(orig, m, svc, profile)
		}
	}
	out["postgres"] = postgresService(pgProfiles)
	out["kafka"] = withKafkaProfiles(f.Services["kafka"])
	var b bytes.Buffer
	b.WriteString(replicasHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(map[string]any{"services": out, "volumes": map[string]any{"postgres-data": nil}}); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// replicaOf is orig without what pins it to one container (host port,
// volume, names), on the stack's PostgreSQL database, depending on the
// shared infrastructure only (the stack's other services are balancers now).
func replicaOf(orig map[string]any, m stackmode.Mode, profile string) map[string]any {
	s := maps.Clone(orig)
	for _, k := range []string{"ports", "volumes", "container_name", "hostname"} {
		delete(s, k)
	}
	s["profiles"] = []string{profile}
	env := maps.Clone(asMap(orig["environment"]))
	env["DATABASE_URL"] = databaseURL(m)
	s["environment"] = env
	deps := map[string]any{"postgres": map[string]any{"condition": "service_healthy"}}
	for name, d := range asMap(orig["depends_on"]) {
		if name == "jaeger" || strings.HasPrefix(name, "kafka") {
			deps[name] = d
		}
	}
	s["depends_on"] = deps
	return s
}

// balancerOf is HAProxy on orig's host port and under orig's compose name.
func balancerOf(orig map[string]any, m stackmode.Mode, svc, profile string) map[string]any {
	return map[string]any{
		"image":       "${HAPROXY_IMAGE:-orderflow/haproxy:bookworm}",
		"profiles":    []string{profile},
		"environment": map[string]any{"BACKEND": replicaService(m, svc)},
		"ports":       orig["ports"],
		"networks":    map[string]any{"default": map[string]any{"aliases": []string{container(m, svc)}}},
		"read_only":   true,
		"tmpfs":       []string{"/tmp"},
		"init":        true,
	}
}

// withKafkaProfiles enables the broker in the pg- profiles of the stacks
// that use it too (compose does not start a dependency its profiles leave
// out); the override lists the base's profiles as well.
func withKafkaProfiles(kafka map[string]any) map[string]any {
	var profiles []string
	for _, p := range asAnyList(kafka["profiles"]) {
		profiles = append(profiles, fmt.Sprint(p))
	}
	for _, m := range stackmode.All {
		if m.Kafka() {
			profiles = append(profiles, pgProfile(m))
		}
	}
	return map[string]any{"profiles": profiles}
}

// postgresService is the stacks' PostgreSQL (deploy/docker/postgres).
func postgresService(profiles []string) map[string]any {
	return map[string]any{
		"image":     "${POSTGRES_IMAGE:-orderflow/postgres:15}",
		"profiles":  profiles,
		"read_only": true,
		"tmpfs":     []string{"/tmp"},
		"volumes":   []string{"postgres-data:/var/lib/postgresql/data"},
		"healthcheck": map[string]any{
			"test":     []string{"CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-U", "orderflow", "-d", "orderflow"},
			"interval": "2s", "timeout": "3s", "retries": 15, "start_period": "30s",
		},
	}
}

func asAnyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}
