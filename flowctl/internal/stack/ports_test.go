package stack

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

func TestServicePorts(t *testing.T) {
	tests := []struct {
		mode stackmode.Mode
		svc  string
		want int
	}{
		{stackmode.Sync, "order-svc", 8081},
		{stackmode.Sync, "inventory-svc", 8082},
		{stackmode.Sync, "invoicing-svc", 8083},
		{stackmode.Events, "order-svc", 8181},
		{stackmode.Events, "inventory-svc", 8182},
		{stackmode.Events, "invoicing-svc", 8183},
		{stackmode.Orchestration, "order-svc", 8281},
		{stackmode.Orchestration, "inventory-svc", 8282},
		{stackmode.Orchestration, "invoicing-svc", 8283},
	}
	for _, tt := range tests {
		if got := ServicePort(topology.DefaultPortBase, tt.mode, tt.svc); got != tt.want {
			t.Errorf("ServicePort(%s, %s) = %d, want %d", tt.mode, tt.svc, got, tt.want)
		}
	}
	if got := ServicePort(30000, stackmode.Events, "invoicing-svc"); got != 30103 {
		t.Errorf("moved base: got %d, want 30103", got)
	}
}

func TestCheckPortFree(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	err = CheckPortFree(port, "order-svc, events stack")
	var inUse *PortInUseError
	if !errors.As(err, &inUse) || inUse.Port != port {
		t.Fatalf("CheckPortFree on a used port = %v, want *PortInUseError", err)
	}
	msg := err.Error()
	for _, want := range []string{"port " + strconv.Itoa(port), "in use by another program", "make down"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	ln.Close()
	if err := CheckPortFree(port, "x"); err != nil {
		t.Errorf("after close: %v", err)
	}
}

func TestFindRoot(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644)
	deep := filepath.Join(root, "flowctl", "cmd")
	os.MkdirAll(deep, 0o755)
	got, err := FindRoot(deep)
	if err != nil || got != root {
		t.Errorf("FindRoot = %q, %v; want %q", got, err, root)
	}
	l, err := NewLayout(deep, "")
	if err != nil || l.RunDir != filepath.Join(root, ".run") {
		t.Errorf("NewLayout = %+v, %v", l, err)
	}
	if got := l.Rel(l.DB(stackmode.Orchestration, "order-svc")); got != ".run/events-orchestration/order-svc.db" {
		t.Errorf("orchestration's database = %q", got)
	}
	if got := l.Rel(l.ServiceLog(stackmode.Events, "order-svc")); got != ".run/events/logs/order-svc.log" {
		t.Errorf("Rel = %q", got)
	}
	if _, err := FindRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "go.work") {
		t.Errorf("no go.work: err = %v", err)
	}
}
