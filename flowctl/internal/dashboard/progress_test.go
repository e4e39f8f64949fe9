package dashboard

import "testing"

// The page shows "<name>: <label> done/total": the label must not say the
// name again (issue 20 saw "downstream-down: downstream-down: placing…").
func TestProgressLabelSaysTheNameOnce(t *testing.T) {
	for _, c := range []struct{ name, label, want string }{
		{"downstream-down", "downstream-down: placing", "placing"},
		{"slow-downstream", "slow-downstream baseline: placing", "baseline: placing"},
		{"happy-path", "stock for happy-path", "stock for happy-path"},
		{"replay", "replaying", "replaying"}, // a word that starts with the name is not the name
		{"replay", "replay", "replay"},
	} {
		if got := progressLabel(c.name, c.label); got != c.want {
			t.Errorf("progressLabel(%q, %q) = %q, want %q", c.name, c.label, got, c.want)
		}
	}
}
