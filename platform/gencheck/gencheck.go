// Package gencheck fails a test when committed generated code differs from
// what its //go:generate line produces now: a spec change that was not
// regenerated, or a hand edit of a generated file, is caught by "make test".
package gencheck

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// directive is the go:generate command this check understands; its -o names
// the committed output, which the check redirects into a temporary directory.
const directive = "//go:generate go tool oapi-codegen "

// OAPICodegen regenerates the package in dir (the one the test runs in: ".")
// into a temporary directory and compares it with the committed output.
// It needs only the module cache: "go tool" builds oapi-codegen from the
// version pinned by the module's tool directive.
func OAPICodegen(t *testing.T, dir, committed string) {
	t.Helper()
	args := generateArgs(t, filepath.Join(dir, "generate.go"))
	out := filepath.Join(t.TempDir(), committed)
	redirected := false
	for i := range len(args) - 1 {
		if args[i] == "-o" && args[i+1] == committed {
			args[i+1], redirected = out, true
		}
	}
	if !redirected {
		t.Fatalf("the go:generate line in %s does not write -o %s", dir, committed)
	}
	cmd := exec.Command("go", append([]string{"tool", "oapi-codegen"}, args...)...)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool oapi-codegen %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, committed))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with docs/openapi.yaml (or was edited by hand): run \"go generate ./...\" in %s and commit the result", committed, dir)
	}
}

func generateArgs(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), directive); ok {
			return strings.Fields(rest)
		}
	}
	t.Fatalf("%s has no %q line", file, directive)
	return nil
}
