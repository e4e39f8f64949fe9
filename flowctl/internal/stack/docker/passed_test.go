package docker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckPassedReadsTheRealComposeFile: the variables flowctl's scenarios
// set on Docker reach their containers; one the file does not pass is
// refused with the line to add.
func TestCheckPassedReadsTheRealComposeFile(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	for _, c := range []struct {
		service string
		vars    map[string]string
		refused string
	}{
		{"order-svc-events", map[string]string{"ORDER_PUBLISH": "direct", "ORDER_DEADLINE": "2s", "TRACE_PROPAGATION": "link"}, ""},
		{"inventory-svc-events", map[string]string{"HTTP_MAX_IN_FLIGHT": "3"}, ""},
		{"order-svc-sync", map[string]string{"ORDER_DEADLINE": "2s"}, "does not pass ORDER_DEADLINE to order-svc-sync"},
		{"invoicing-svc-events", map[string]string{"DEFAULT_CREDIT_LIMIT_CENTS": "0"}, "DEFAULT_CREDIT_LIMIT_CENTS: ${DEFAULT_CREDIT_LIMIT_CENTS:-<default>}"},
	} {
		err := checkPassed(root, c.service, c.vars)
		if c.refused == "" && err != nil {
			t.Errorf("%s %v: %v", c.service, c.vars, err)
		}
		if c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)) {
			t.Errorf("%s %v = %v, want an error containing %q", c.service, c.vars, err, c.refused)
		}
	}
}

// TestCheckPassedFollowsMergeKeys: variables a service gets through a YAML
// merge key (<<: *service-env) count.
func TestCheckPassedFollowsMergeKeys(t *testing.T) {
	dir := t.TempDir()
	yml := "x-env: &env\n  LOG_LEVEL: ${LOG_LEVEL:-info}\nservices:\n  a:\n    environment:\n      <<: *env\n      MODE: events\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkPassed(dir, "a", map[string]string{"LOG_LEVEL": "debug"}); err != nil {
		t.Fatal(err)
	}
	if err := checkPassed(dir, "a", map[string]string{"MODE": "sync"}); err == nil {
		t.Fatal("MODE is fixed in the file, yet it was accepted")
	}
}
