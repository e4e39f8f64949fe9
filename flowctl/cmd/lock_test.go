package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/cmd"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/native"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A run refused because another holds its stack says who, in one line,
// with the command line the holder was started with.
func TestRunOnABusyStackIsRefusedWithItsHolder(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		c := cmd.New(cmd.Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out, Dir: root})
		c.SetArgs(append([]string{"--runtime", "native"}, args...))
		err := c.ExecuteContext(t.Context())
		return out.String(), err
	}
	s, err := stack.New(stack.Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: 19092, Runtime: "native"},
		func(string) string { return "" }, []stack.Provider{native.Provider{}})
	if err != nil {
		t.Fatal(err)
	}
	lease, err := s.Lock(context.Background(), []stackmode.Mode{stackmode.Events}, "flowctl scenario downstream-down --mode events", stack.LockWait{})
	if err != nil {
		t.Fatal(err)
	}
	defer lease.Release()
	for _, args := range [][]string{
		{"reset", "--mode", "events", "--yes"},
		{"scenario", "happy-path", "--mode", "both"},
		{"load", "--mode", "events", "--rate", "5"},
		{"bench"},
	} {
		out, err := run(args...)
		want := fmt.Sprintf("the events stack is busy: `flowctl scenario downstream-down --mode events` (pid %d) since ", os.Getpid())
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "wait for it, or pass --wait") || strings.Contains(err.Error(), "\n") {
			t.Errorf("flowctl %s on a busy stack: %v (output %q)", strings.Join(args, " "), err, out)
		}
	}
}
