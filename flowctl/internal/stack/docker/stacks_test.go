package docker

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestComposeRunsEveryStack: docker-compose.yml has each stack's services
// under the names flowctl uses, on the native runtime's ports, with the
// stack's MODE, SAGA and topic prefix, in the profile flowctl brings up.
func TestComposeRunsEveryStack(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]struct {
			Profiles    []string          `yaml:"profiles"`
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if container(stackmode.Orchestration, topology.OrderSvc) != "order-svc-orchestration" {
		t.Errorf("the orchestrated stack's containers are not named as topology.ComposeStacks says")
	}
	for _, m := range stackmode.All {
		if !slices.Contains(topology.ComposeStacks, composeStack(m)) || slices.Contains(f.Services["kafka"].Profiles, composeStack(m)) != m.Kafka() {
			t.Errorf("%s: compose stack %q unknown to the topology, or Kafka's profiles %v wrong", m, composeStack(m), f.Services["kafka"].Profiles)
		}
		for _, svc := range topology.Names() {
			s, ok := f.Services[container(m, svc)]
			if !ok {
				t.Errorf("docker-compose.yml has no %s", container(m, svc))
				continue
			}
			env := s.Environment
			port := fmt.Sprintf("127.0.0.1:%d:8080", stack.ServicePort(topology.DefaultPortBase, m, svc))
			if !slices.Contains(s.Profiles, composeStack(m)) || !slices.Equal(s.Ports, []string{port}) || env["MODE"] != string(m.Service()) {
				t.Errorf("%s: profiles %v, ports %v, MODE %q; want %s, %s, %s", container(m, svc), s.Profiles, s.Ports, env["MODE"], composeStack(m), port, m.Service())
			}
			if saga := env["SAGA"]; (m == stackmode.Orchestration) != (saga == string(topology.Orchestration)) || env["KAFKA_TOPIC_PREFIX"] != m.TopicPrefix("") {
				t.Errorf("%s: SAGA %q, KAFKA_TOPIC_PREFIX %q", container(m, svc), saga, env["KAFKA_TOPIC_PREFIX"])
			}
		}
	}
}
