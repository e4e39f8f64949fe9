package config

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEEnvTable keeps the README's env variable table generated from Vars.
// UPDATE_README=1 go test ./platform/config rewrites it.
func TestREADMEEnvTable(t *testing.T) {
	const path = "../../README.md"
	const begin, end = "<!-- env-table:begin -->\n", "<!-- env-table:end -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q … %q markers", strings.TrimSpace(begin), end)
	}
	want := MarkdownTable()
	if got := readme[i+len(begin) : j]; got != want {
		if os.Getenv("UPDATE_README") == "1" {
			if err := os.WriteFile(path, []byte(readme[:i+len(begin)]+want+readme[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("README.md env table is out of date with config.Vars; run UPDATE_README=1 go test ./platform/config\ngot:\n%s\nwant:\n%s", got, want)
	}
}
