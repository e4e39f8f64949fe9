package cmd_test

import (
	"strings"
	"testing"
)

// compare runs on the three stacks unless --mode says otherwise, and a
// --mode that names no stacks is refused before anything starts.
func TestCompareMode(t *testing.T) {
	out, err := flowctl(t, nil, "compare", "--help")
	if err != nil || !strings.Contains(out, `--mode string`) || !strings.Contains(out, `(default "all")`) {
		t.Errorf("compare --help: %v, want --mode with the default all:\n%s", err, out)
	}
	_, err = flowctl(t, nil, "compare", "--mode", "three")
	if err == nil || !strings.Contains(err.Error(), `--mode "three" is not a stack`) || !strings.Contains(err.Error(), "or all") {
		t.Errorf("compare --mode three: err = %v, want it to say what --mode takes", err)
	}
}
