package browser

import (
	"path/filepath"
	"testing"
)

// Require finds the Chromium a browser test drives. Without one the test
// skips with one line saying why, or fails when REQUIRE_BROWSER=1 (CI),
// where a skip would hide that the page was never tested.
func Require(t testing.TB, getenv func(string) string) string {
	t.Helper()
	path, err := Find(getenv)
	if err == nil {
		return path
	}
	if getenv("REQUIRE_BROWSER") == "1" {
		t.Fatalf("REQUIRE_BROWSER=1 but %v", err)
		return ""
	}
	t.Skipf("%v; REQUIRE_BROWSER=1 turns this skip into a failure", err)
	return ""
}

// ShotDir is where a test keeps its screenshots: <root>/<test name> when
// root is set (CI keeps them as artefacts), else the test's temp dir.
func ShotDir(t testing.TB, root string) string {
	t.Helper()
	if root != "" {
		return filepath.Join(root, slug(t.Name()))
	}
	return t.TempDir()
}
