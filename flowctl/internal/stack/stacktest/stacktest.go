// Package stacktest builds a stack.Stacks whose one runtime is a fake the
// test controls: Up "brings up" stacks whose services answer where the test
// says (httptest servers), so a package that takes the stacks object is
// tested without starting anything.
package stacktest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// Kind is the fake runtime's kind, as Runtime() reports it.
const Kind stack.RuntimeKind = "fake"

// Runtime is a fake runtime: Up returns Stacks[mode] (or UpErr) and records
// the call; the methods the code under test does not call panic
// (stack.Unimplemented).
type Runtime struct {
	stack.Unimplemented
	// Stacks are what Up returns, by mode.
	Stacks map[stackmode.Mode]stack.Stack
	// UpErr, when set, is what every Up fails with.
	UpErr error
	// Usages are what Usage returns, by mode (none: an error).
	Usages map[stackmode.Mode][]usage.Component
	// UI is what JaegerUI answers.
	UI bool
	// ReplicaCounts are what Replicas answers, by mode and service (absent: 1).
	ReplicaCounts map[stackmode.Mode]map[string]int

	mu  sync.Mutex
	ups []stackmode.Mode
}

// Runtime is the fake's kind.
func (r *Runtime) Runtime() string { return string(Kind) }

// JaegerUI is r.UI.
func (r *Runtime) JaegerUI() bool { return r.UI }

// Holds is true: the fake always holds the stacks.
func (r *Runtime) Holds(context.Context) bool { return true }

// Up records mode and returns its stack, or UpErr.
func (r *Runtime) Up(_ context.Context, m stackmode.Mode, _ stack.UpOptions) (stack.Stack, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ups = append(r.ups, m)
	if r.UpErr != nil {
		return stack.Stack{Mode: m}, r.UpErr
	}
	return r.Stacks[m], nil
}

// Usage is Usages[m], or an error when the test gave none.
func (r *Runtime) Usage(_ context.Context, m stackmode.Mode) ([]usage.Component, error) {
	if u, ok := r.Usages[m]; ok {
		return u, nil
	}
	return nil, errors.New("the fake runtime measures nothing here")
}

// Replicas is ReplicaCounts[m][svc], or 1.
func (r *Runtime) Replicas(_ context.Context, m stackmode.Mode, svc string) (int, error) {
	if n, ok := r.ReplicaCounts[m][svc]; ok {
		return n, nil
	}
	return 1, nil
}

// URLs are the services of mode's stack.
func (r *Runtime) URLs(m stackmode.Mode) map[string]string { return r.Stacks[m].URLs }

// Ups are the modes Up was called with, in order.
func (r *Runtime) Ups() []stackmode.Mode {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]stackmode.Mode(nil), r.ups...)
}

// provider opens rt.
type provider struct{ rt *Runtime }

func (p provider) Kind() stack.RuntimeKind                                    { return Kind }
func (p provider) Name() string                                               { return "Fake" }
func (p provider) Open(context.Context, *stack.Stacks) (stack.Runtime, error) { return p.rt, nil }

// New is a Stacks whose only runtime is rt, built from env (ADMIN_TOKEN,
// KAFKA_TOPIC_PREFIX, …) as the root command builds it from the process's.
func New(t testing.TB, rt *Runtime, env map[string]string) *stack.Stacks {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	s, err := stack.New(stack.Flags{Dir: t.TempDir(), PortBase: topology.DefaultPortBase, BrokerPort: stack.DefaultBrokerPort},
		getenv, []stack.Provider{provider{rt}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Local is true: the fake's services answer on this machine.
func (r *Runtime) Local() bool { return true }
