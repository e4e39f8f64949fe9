package stack_test

import (
	"context"
	"io"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A stack brought up says Jaeger's UI answers only when it runs Jaeger and
// its runtime serves the UI (Docker), whatever the runtime's Up said.
func TestUpSaysWhetherJaegerHasAUI(t *testing.T) {
	for _, tc := range []struct {
		name       string
		jaeger, ui bool
		want       bool
	}{
		{"docker with Jaeger", true, true, true},
		{"native with Jaeger", true, false, false},
		{"docker without Jaeger", false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := &stacktest.Runtime{UI: tc.ui, Stacks: map[stackmode.Mode]stack.Stack{stackmode.Events: {Mode: stackmode.Events, Jaeger: tc.jaeger, JaegerUI: true}}}
			st, _, err := stacktest.New(t, rt, nil).Up(context.Background(), stackmode.Events, stack.UpOptions{Progress: io.Discard})
			if err != nil || st.JaegerUI != tc.want {
				t.Errorf("JaegerUI = %v (%v), want %v", st.JaegerUI, err, tc.want)
			}
		})
	}
}
