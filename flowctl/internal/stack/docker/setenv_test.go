package docker

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestComposeUpGroupsByEnv: compose gets each service's own variables and
// the propagation; services with the same variables share one call.
func TestComposeUpGroupsByEnv(t *testing.T) {
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "compose")
	body := "#!/bin/sh\necho \"$* | ORDER_PUBLISH=$ORDER_PUBLISH TRACE_PROPAGATION=$TRACE_PROPAGATION FRAUD_CHECK=$FRAUD_CHECK\" >> " + calls + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	// token: the admin token is in compose's environment already.
	c := &Runtime{compose: &Compose{Cmd: []string{script}, Root: dir, Env: []string{"PATH=/usr/bin:/bin", "TRACE_PROPAGATION=child"}}, token: true,
		propagation: map[stackmode.Mode]config.Propagation{}, env: map[stackmode.Mode]map[string]map[string]string{}}
	c.propagation[stackmode.Events] = config.PropagationLink
	stack.WithEnv(c.env, stackmode.Events, "order-svc", map[string]string{"ORDER_PUBLISH": "direct"})
	if err := c.composeUp(context.Background(), stackmode.Events, topology.Names()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	// The stack's form is asked first (no balancer: SQLite), then its fraud
	// check (no fraud-svc container: off).
	want := []string{
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " --profile pg-events ps -a -q order-svc-events-lb | ORDER_PUBLISH= TRACE_PROPAGATION=child FRAUD_CHECK=",
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " ps -q fraud-svc-events | ORDER_PUBLISH= TRACE_PROPAGATION=child FRAUD_CHECK=",
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " --profile events up -d --no-deps order-svc-events | ORDER_PUBLISH=direct TRACE_PROPAGATION=link FRAUD_CHECK=off",
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " --profile events up -d --no-deps inventory-svc-events invoicing-svc-events | ORDER_PUBLISH= TRACE_PROPAGATION=link FRAUD_CHECK=off",
	}
	if !slices.Equal(got, want) {
		t.Errorf("compose calls:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
