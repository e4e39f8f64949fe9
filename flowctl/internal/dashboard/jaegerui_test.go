package dashboard

import (
	"testing"

	"github.com/orderflow/flowctl/internal/stack/native"
	"github.com/orderflow/flowctl/internal/stack/stacktest"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A trace's link leads to Jaeger's UI only where Jaeger has one: natively
// (built from source, a placeholder page) it is the dashboard's own view.
// The dashboard's control passes on what the runtime inside it says.
func TestJaegerUIOnlyWhereTheRuntimeHasOne(t *testing.T) {
	var modes []stackmode.Mode // none: the zero runtimes have no propagation to ask
	nat := newControl(&native.Runtime{}, modes)
	if nat.JaegerUI() {
		t.Error("the native runtime's control says its Jaeger has a UI")
	}
	other := newControl(&stacktest.Runtime{UI: true}, modes)
	if !other.JaegerUI() {
		t.Error("a runtime whose Jaeger has a UI (as Docker's) is taken as having none")
	}
}
