package native

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
)

// BuildServices builds the service binaries (fraud-svc's too, for when the
// fraud check joins) into the run dir's bin/
// with one `go build` from the repository root, in workspace mode, so the
// services compile against the platform/ in this checkout. Go's build cache
// makes a rerun without changes take a second or two.
func BuildServices(ctx context.Context, l stack.Layout) error {
	if err := os.MkdirAll(l.BinDir(), 0o755); err != nil {
		return fmt.Errorf("build services: %w", err)
	}
	args := []string{"build", "-o", l.BinDir() + string(filepath.Separator)}
	for _, svc := range stack.AllServices() {
		args = append(args, "./"+svc)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = l.Root
	// GOWORK names this checkout's go.work explicitly: a GOWORK=off left in
	// the developer's shell would otherwise build each service against the
	// platform version in its go.mod instead. The rest of the environment is
	// handed to go build whole (its caches, proxy, toolchain), not read here.
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(l.Root, "go.work"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s failed: %s", strings.Join(args, " "), firstLines(out.String(), 8))
	}
	return nil
}

// firstLines joins the first n non-empty lines of s with " | " so a compiler
// error fits the one-line error flowctl prints.
func firstLines(s string, n int) string {
	var lines []string
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
		if len(lines) == n {
			break
		}
	}
	if len(lines) == 0 {
		return "(no output)"
	}
	return strings.Join(lines, " | ")
}
