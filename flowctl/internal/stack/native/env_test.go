package native

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestServiceEnvOverride: SetEnv's variables reach the one service they are
// set for, over the user's, and an empty value brings back the default.
func TestServiceEnvOverride(t *testing.T) {
	env := map[string]string{"ORDER_PUBLISH": "direct", "LOG_LEVEL": "debug"}
	s := stacksWith(t, env)
	r := New(s, stack.Layout{Root: "/r", RunDir: "/r/.run"})
	st := stack.Stack{Mode: stackmode.Events, URLs: stack.StackURLs(s.PortBase, stackmode.Events), Brokers: []string{"127.0.0.1:9092"}}

	stack.WithEnv(r.env, stackmode.Events, "order-svc", map[string]string{"ORDER_PUBLISH": "", "LOG_LEVEL": "warn"})
	got := r.opts(stackmode.Events, nil)
	order := serviceEnv(got, st, "order-svc")
	if !slices.Contains(order, "LOG_LEVEL=warn") || slices.ContainsFunc(order, func(e string) bool { return strings.HasPrefix(e, "ORDER_PUBLISH=") }) {
		t.Errorf("order-svc env = %v, want LOG_LEVEL=warn and no ORDER_PUBLISH (its default)", order)
	}
	if inv := serviceEnv(got, st, "inventory-svc"); !slices.Contains(inv, "LOG_LEVEL=debug") {
		t.Errorf("inventory-svc env = %v, want the user's LOG_LEVEL=debug: the override is order-svc's", inv)
	}

	stack.WithEnv(r.env, stackmode.Events, "order-svc", nil)
	got = r.opts(stackmode.Events, nil)
	if order := serviceEnv(got, st, "order-svc"); !slices.Contains(order, "ORDER_PUBLISH=direct") {
		t.Errorf("after the override was dropped, env = %v, want the user's ORDER_PUBLISH=direct", order)
	}
}

// stacksWith is the Stacks flowctl builds when its environment is env, the
// native runtime chosen, outside a repository (no run dir, no token).
func stacksWith(t *testing.T, env map[string]string) *stack.Stacks {
	t.Helper()
	s, err := stack.New(stack.Flags{Dir: t.TempDir(), PortBase: topology.DefaultPortBase, BrokerPort: stack.DefaultBrokerPort, Runtime: string(Kind)},
		func(k string) string { return env[k] }, []stack.Provider{Provider{}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
