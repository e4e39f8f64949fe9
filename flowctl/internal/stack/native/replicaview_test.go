package native

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// ourselves is this test process as a pid file records it: running and ours.
func ourselves(t *testing.T) stack.Proc {
	t.Helper()
	b, err := os.ReadFile("/proc/self/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	return stack.Proc{PID: os.Getpid(), Cmdline: strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")}
}

// A scaled service's replicas are reached at their own ports, only those
// running; unscaled, the one process on the service's port.
func TestReplicaEndpointsAreTheReplicasOwnPorts(t *testing.T) {
	root := t.TempDir()
	l := stack.Layout{Root: root, RunDir: filepath.Join(root, ".run")}
	r := New(stacksWith(t, nil), l)
	m, svc, me := stackmode.Events, "inventory-svc", ourselves(t)
	write := func(path string) {
		if err := stack.WritePIDFile(path, me); err != nil {
			t.Fatal(err)
		}
	}
	write(l.ServicePID(m, svc))
	got, err := r.ReplicaEndpoints(context.Background(), m, svc)
	if err != nil || len(got) != 1 || got[0].Base != "http://127.0.0.1:8182" {
		t.Fatalf("unscaled: %+v, %v; want its one URL", got, err)
	}
	os.Remove(l.ServicePID(m, svc))
	write(l.BalancerPID(m, svc))
	write(l.ReplicaPID(m, svc, 1))
	write(l.ReplicaPID(m, svc, 3)) // #2 stopped
	got, err = r.ReplicaEndpoints(context.Background(), m, svc)
	bases := func(rs []api.Replica) (out []string) {
		for _, x := range rs {
			out = append(out, x.Name+" "+x.Base)
		}
		return out
	}
	if want := []string{"inventory-svc#1 http://127.0.0.1:9182", "inventory-svc#3 http://127.0.0.1:11182"}; err != nil || !slices.Equal(bases(got), want) {
		t.Errorf("scaled: %v, %v; want %v (the balancer's port 8182 is not a replica)", bases(got), err, want)
	}
	if _, err := r.ReplicaEndpoints(context.Background(), m, "order-svc"); err == nil {
		t.Error("a service that does not run: no error")
	}
}
