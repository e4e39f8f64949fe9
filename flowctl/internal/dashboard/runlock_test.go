package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// lockProvider is a runtime kind for stack.New; the locks need no runtime.
type lockProvider struct{}

func (lockProvider) Kind() stack.RuntimeKind { return "native" }
func (lockProvider) Name() string            { return "Native" }
func (lockProvider) Open(context.Context, *stack.Stacks) (stack.Runtime, error) {
	return nil, errors.New("no runtime in this test")
}

// The page's Run buttons take the stacks' run locks: one held elsewhere
// (a terminal's run) is refused with 409 and who holds it, and a load
// from the page holds its stack until it ends.
func TestRunsFromThePageHoldTheStacksLock(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := stack.New(stack.Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: 19092, Runtime: "native"},
		func(string) string { return "" }, []stack.Provider{lockProvider{}})
	if err != nil {
		t.Fatal(err)
	}
	lock := func(modes ...stackmode.Mode) (*stack.Lease, error) {
		return st.Lock(context.Background(), modes, "flowctl scenario downstream-down --mode events", stack.LockWait{})
	}
	_, hs, _ := newTestServerWith(t, testToken, 50*time.Millisecond, func(c *Config) {
		c.Lock = func(ctx context.Context, modes []stackmode.Mode, what string) (func(), error) {
			lease, err := st.Lock(ctx, modes, what, stack.LockWait{})
			return lease.Release, err
		}
	})
	held, err := lock(stackmode.Events)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the events stack is busy: `flowctl scenario downstream-down --mode events` (pid %d) since ", os.Getpid())
	for _, c := range []struct{ path, body string }{
		{"/api/scenarios/happy-path/run", `{"mode":"both"}`},
		{"/api/load", `{"mode":"events","rate":5,"duration_s":2}`},
	} {
		status, ct, body := call(t, "POST", hs.URL+c.path, json.RawMessage(c.body))
		var p struct{ Detail string }
		_ = json.Unmarshal(body, &p)
		if status != 409 || ct != "application/problem+json" || !strings.HasPrefix(p.Detail, want) {
			t.Errorf("POST %s on a busy stack = %d %s: %s", c.path, status, ct, body)
		}
	}
	held.Release()

	if status, _, body := call(t, "POST", hs.URL+"/api/load", json.RawMessage(`{"mode":"sync","rate":5,"duration_s":1}`)); status != 202 {
		t.Fatalf("load on a free stack = %d: %s", status, body)
	}
	_, err = lock(stackmode.Sync)
	var busy *stack.BusyError
	if !errors.As(err, &busy) || busy.Holder.Command != "flowctl dashboard → load --mode sync --rate 5 --duration 1s" {
		t.Fatalf("a terminal's run while the page's load runs: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second) // not a speed goal: the load's 5 orders, then its lock goes
	for {
		l, err := lock(stackmode.Sync)
		if err == nil {
			l.Release()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page's load never gave its lock back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
