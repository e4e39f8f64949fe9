package stack

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
)

// TestServiceEnvOverride: SetEnv's variables reach the one service they are
// set for, over the user's, and an empty value brings back the default.
func TestServiceEnvOverride(t *testing.T) {
	env := map[string]string{"ORDER_PUBLISH": "direct", "LOG_LEVEL": "debug"}
	o := Options{Layout: Layout{Root: "/r", RunDir: "/r/.run"}, Mode: config.ModeEvents, PortBase: DefaultPortBase, Getenv: func(k string) string { return env[k] }}
	st := Stack{Mode: o.Mode, URLs: StackURLs(o.PortBase, o.Mode), Brokers: []string{"127.0.0.1:9092"}}
	c := NewNativeControl(map[config.Mode]Options{config.ModeEvents: o}, map[config.Mode]Stack{config.ModeEvents: st})

	withEnv(c.env, config.ModeEvents, "order-svc", map[string]string{"ORDER_PUBLISH": "", "LOG_LEVEL": "warn"})
	got, _, err := c.opts(config.ModeEvents)
	if err != nil {
		t.Fatal(err)
	}
	order := serviceEnv(got, st, "order-svc")
	if !slices.Contains(order, "LOG_LEVEL=warn") || slices.ContainsFunc(order, func(e string) bool { return strings.HasPrefix(e, "ORDER_PUBLISH=") }) {
		t.Errorf("order-svc env = %v, want LOG_LEVEL=warn and no ORDER_PUBLISH (its default)", order)
	}
	if inv := serviceEnv(got, st, "inventory-svc"); !slices.Contains(inv, "LOG_LEVEL=debug") {
		t.Errorf("inventory-svc env = %v, want the user's LOG_LEVEL=debug: the override is order-svc's", inv)
	}

	withEnv(c.env, config.ModeEvents, "order-svc", nil)
	got, _, _ = c.opts(config.ModeEvents)
	if order := serviceEnv(got, st, "order-svc"); !slices.Contains(order, "ORDER_PUBLISH=direct") {
		t.Errorf("after the override was dropped, env = %v, want the user's ORDER_PUBLISH=direct", order)
	}
}

func TestCheckEnv(t *testing.T) {
	for _, c := range []struct {
		svc  string
		vars map[string]string
		ok   bool
	}{
		{"order-svc", map[string]string{"ORDER_PUBLISH": "direct"}, true},
		{"order-svc", map[string]string{"DB_PATH": "/tmp/x.db"}, false},
		{"order-svc", map[string]string{"NOT_A_VAR": "1"}, false},
		{"shipping-svc", map[string]string{"LOG_LEVEL": "debug"}, false},
	} {
		if err := checkEnv(c.svc, c.vars); (err == nil) != c.ok {
			t.Errorf("checkEnv(%s, %v) = %v, want ok %v", c.svc, c.vars, err, c.ok)
		}
	}
}

// TestComposeUpGroupsByEnv: compose gets each service's own variables and
// the propagation; services with the same variables share one call.
func TestComposeUpGroupsByEnv(t *testing.T) {
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "compose")
	body := "#!/bin/sh\necho \"$* | ORDER_PUBLISH=$ORDER_PUBLISH TRACE_PROPAGATION=$TRACE_PROPAGATION\" >> " + calls + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	c := NewDockerControl(&Compose{Cmd: []string{script}, Root: dir, Env: []string{"PATH=/usr/bin:/bin", "TRACE_PROPAGATION=child"}}, func(string) string { return "" })
	c.propagation[config.ModeEvents] = config.PropagationLink
	withEnv(c.env, config.ModeEvents, "order-svc", map[string]string{"ORDER_PUBLISH": "direct"})
	if err := c.composeUp(context.Background(), config.ModeEvents, Services); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " --profile events up -d --no-deps order-svc-events | ORDER_PUBLISH=direct TRACE_PROPAGATION=link",
		"-p orderflow -f " + filepath.Join(dir, "docker-compose.yml") + " --profile events up -d --no-deps inventory-svc-events invoicing-svc-events | ORDER_PUBLISH= TRACE_PROPAGATION=link",
	}
	if !slices.Equal(got, want) {
		t.Errorf("compose calls:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
