package native

import (
	"os"
	"slices"
	"testing"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// processes reads the stack's pid files; this test process stands in for
// every process (its own command line makes the pid files "ours").
func TestProcesses(t *testing.T) {
	l := stack.Layout{Root: t.TempDir(), RunDir: t.TempDir()}
	self := stack.Proc{PID: os.Getpid(), Cmdline: os.Args}
	for _, svc := range topology.Names() {
		if err := stack.WritePIDFile(l.ServicePID(stackmode.Events, svc), self); err != nil {
			t.Fatal(err)
		}
	}
	if err := stack.WritePIDFile(l.BrokerPID(), self); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		mode     stackmode.Mode
		embedded bool
		want     []string
		note     string
	}{
		{"native with the embedded broker", stackmode.Events, true,
			[]string{"order-svc", "inventory-svc", "invoicing-svc", "broker (kfake)"}, ""},
		{"native with KAFKA_BROKERS: that broker is not ours", stackmode.Events, false,
			[]string{"order-svc", "inventory-svc", "invoicing-svc"}, ""},
		{"no stack running", stackmode.Sync, false, nil, "not measured: no pid file of a running process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			procs, note := processes(l, tt.mode, tt.embedded, false)
			var names []string
			for _, p := range procs {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tt.want) || note != tt.note {
				t.Errorf("%v %q, want %v %q", names, note, tt.want, tt.note)
			}
		})
	}
}
