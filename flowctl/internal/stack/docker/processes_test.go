package docker

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
)

// processes says why containers cannot be sampled, or lists them.
func TestProcesses(t *testing.T) {
	tests := []struct {
		name string
		find func(context.Context) ([]stack.Process, error)
		want []string
		note string
	}{
		{"docker", nil, nil, "not measured on Docker"},
		{"docker containers found", func(context.Context) ([]stack.Process, error) {
			return []stack.Process{{Name: "order-svc", PID: os.Getpid()}}, nil
		}, []string{"order-svc"}, ""},
		{"docker containers not found", func(context.Context) ([]stack.Process, error) {
			return nil, errors.New("no running container for order-svc-events")
		}, nil, "not measured on Docker: no running container for order-svc-events"},
		{"docker in a VM", func(context.Context) ([]stack.Process, error) {
			return []stack.Process{{Name: "order-svc", PID: 1 << 30}}, nil
		}, nil, "not measured on Docker: the containers' processes are not in this machine's /proc (Docker Desktop runs them in a VM)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			procs, note := processes(tt.find)
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
