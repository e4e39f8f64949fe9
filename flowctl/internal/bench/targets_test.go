package bench

import (
	"os"
	"slices"
	"testing"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/stack"
)

// procsOf reads the stack's pid files; this test process stands in for every
// process (its own command line makes the pid files "ours").
func TestProcsOf(t *testing.T) {
	l := stack.Layout{Root: t.TempDir(), RunDir: t.TempDir()}
	self := stack.Proc{PID: os.Getpid(), Cmdline: os.Args}
	for _, svc := range stack.Services {
		if err := stack.WritePIDFile(l.ServicePID(config.ModeEvents, svc), self); err != nil {
			t.Fatal(err)
		}
	}
	if err := stack.WritePIDFile(l.BrokerPID(), self); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		si   StackInfo
		want []string
		note string
	}{
		{"docker", StackInfo{Mode: config.ModeEvents}, nil, "not measured on Docker"},
		{"native with the embedded broker", StackInfo{Mode: config.ModeEvents, Layout: &l, Brokers: []string{"b"}, EmbeddedBroker: true},
			[]string{"order-svc", "inventory-svc", "invoicing-svc", "broker (kfake)"}, ""},
		{"native with KAFKA_BROKERS: that broker is not ours", StackInfo{Mode: config.ModeEvents, Layout: &l, Brokers: []string{"b"}},
			[]string{"order-svc", "inventory-svc", "invoicing-svc"}, ""},
		{"no stack running", StackInfo{Mode: config.ModeSync, Layout: &l}, nil, "not measured: no pid file of a running process"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			procs, note := procsOf(tt.si)
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
