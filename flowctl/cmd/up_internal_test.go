package cmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// TestUpModes: up takes one stack, both or all; --saga names one stack and
// does not combine with both or all.
func TestUpModes(t *testing.T) {
	tests := []struct {
		mode, saga string
		want       []stackmode.Mode
		err        string
	}{
		{"all", "", stackmode.All, ""},
		{"both", "", stackmode.Both, ""},
		{"orchestration", "", []stackmode.Mode{stackmode.Orchestration}, ""},
		{"", "orchestration", []stackmode.Mode{stackmode.Orchestration}, ""},
		{"all", "orchestration", nil, `--mode "all" is not a stack`},
		{"", "", nil, "--mode is required"},
	}
	for _, tt := range tests {
		got, err := upModes(tt.mode, tt.saga)
		if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) || !slices.Equal(got, tt.want) {
			t.Errorf("upModes(%q, %q) = %v, %v; want %v, %q", tt.mode, tt.saga, got, err, tt.want, tt.err)
		}
	}
}
