package bench

import (
	"context"
	"errors"
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
		{"docker containers found", StackInfo{Mode: config.ModeEvents, Containers: func(context.Context) ([]Proc, error) {
			return []Proc{{"order-svc", os.Getpid()}}, nil
		}}, []string{"order-svc"}, ""},
		{"docker containers not found", StackInfo{Mode: config.ModeEvents, Containers: func(context.Context) ([]Proc, error) {
			return nil, errors.New("no running container for order-svc-events")
		}}, nil, "not measured on Docker: no running container for order-svc-events"},
		{"docker in a VM", StackInfo{Mode: config.ModeEvents, Containers: func(context.Context) ([]Proc, error) {
			return []Proc{{"order-svc", 1 << 30}}, nil
		}}, nil, "not measured on Docker: the containers' processes are not in this machine's /proc (Docker Desktop runs them in a VM)"},
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

func TestParsePID(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1234\n", 1234, true},
		{"0\n", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parsePID(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("%q: %d, %v", tt.in, got, err)
		}
	}
}

func TestWaitIdle(t *testing.T) {
	boom := errors.New("broker gone")
	tests := []struct {
		name    string
		backlog []int64
		err     error
		calls   int
	}{
		{"no consumers (sync)", nil, nil, 0},
		{"already idle", []int64{0}, nil, 1},
		{"catches up", []int64{30, 10, 0}, nil, 3},
		{"lag unknown", []int64{5}, boom, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stack{Mode: "events"}
			calls := 0
			if tt.backlog != nil {
				s.Backlog = func(context.Context) (int64, error) {
					v := tt.backlog[min(calls, len(tt.backlog)-1)]
					calls++
					return v, tt.err
				}
			}
			err := s.waitIdle(context.Background())
			if !errors.Is(err, tt.err) || calls != tt.calls {
				t.Errorf("err %v after %d calls, want %v after %d", err, calls, tt.err, tt.calls)
			}
		})
	}
}
