package stack

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
)

func TestServicePorts(t *testing.T) {
	tests := []struct {
		mode config.Mode
		svc  string
		want int
	}{
		{config.ModeSync, "order-svc", 8081},
		{config.ModeSync, "inventory-svc", 8082},
		{config.ModeSync, "invoicing-svc", 8083},
		{config.ModeEvents, "order-svc", 8181},
		{config.ModeEvents, "inventory-svc", 8182},
		{config.ModeEvents, "invoicing-svc", 8183},
	}
	for _, tt := range tests {
		if got := ServicePort(DefaultPortBase, tt.mode, tt.svc); got != tt.want {
			t.Errorf("ServicePort(%s, %s) = %d, want %d", tt.mode, tt.svc, got, tt.want)
		}
	}
	if got := ServicePort(30000, config.ModeEvents, "invoicing-svc"); got != 30103 {
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
	if got := l.Rel(l.ServiceLog(config.ModeEvents, "order-svc")); got != ".run/events/logs/order-svc.log" {
		t.Errorf("Rel = %q", got)
	}
	if _, err := FindRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "go.work") {
		t.Errorf("no go.work: err = %v", err)
	}
}

func TestServiceEnv(t *testing.T) {
	env := map[string]string{"PATH": "/usr/bin", "TRACE_PROPAGATION": "link", "KAFKA_TOPIC_PREFIX": "ws1.", "LOG_LEVEL": "debug",
		"HTTP_ADDR": "0.0.0.0:1", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://elsewhere:4318", "UNRELATED": "x",
		"HTTP_MAX_IN_FLIGHT": "3", "HTTP_QUEUE_WAIT": "0s", "HTTP_CLIENT_MAX_CONNS": "2", "PPROF_ADDR": "127.0.0.1:6000"}
	o := Options{Layout: Layout{Root: "/r", RunDir: "/r/.run"}, Mode: config.ModeEvents, PortBase: DefaultPortBase, Getenv: func(k string) string { return env[k] }}
	st := Stack{Mode: o.Mode, URLs: StackURLs(o.PortBase, o.Mode), Brokers: []string{"127.0.0.1:9092"}}

	got := serviceEnv(o, st, "order-svc")
	for _, want := range []string{
		"PATH=/usr/bin", "MODE=events", "HTTP_ADDR=127.0.0.1:8181", "DB_PATH=/r/.run/events/order-svc.db",
		"KAFKA_BROKERS=127.0.0.1:9092", "KAFKA_TOPIC_PREFIX=ws1.", "INVENTORY_URL=http://127.0.0.1:8182",
		"INVOICING_URL=http://127.0.0.1:8183", "TRACE_PROPAGATION=link", "LOG_LEVEL=debug", "OTEL_TRACES_EXPORTER=none",
		// The concurrency knobs reach the services, so a scenario runs with the bounds the user chose.
		"HTTP_MAX_IN_FLIGHT=3", "HTTP_QUEUE_WAIT=0s", "HTTP_CLIENT_MAX_CONNS=2",
		// PPROF_ADDR's port is a base: each service its own (events order-svc +101).
		"PPROF_ADDR=127.0.0.1:6101",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("env lacks %s: %v", want, got)
		}
	}
	for _, e := range got {
		if strings.HasPrefix(e, "UNRELATED=") || strings.HasPrefix(e, "OTEL_EXPORTER_OTLP_ENDPOINT=") || e == "HTTP_ADDR=0.0.0.0:1" {
			t.Errorf("env has %s", e)
		}
	}

	st.Jaeger = true
	delete(env, "TRACE_PROPAGATION")
	got = serviceEnv(o, st, "inventory-svc")
	for _, want := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318", "TRACE_PROPAGATION=child", "HTTP_ADDR=127.0.0.1:8182", "PPROF_ADDR=127.0.0.1:6102"} {
		if !slices.Contains(got, want) {
			t.Errorf("env lacks %s: %v", want, got)
		}
	}
}

func TestJaegerBinaryAndVersion(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	got, err := JaegerBinary(func(k string) string { return env[k] }, "v1.76.0")
	if err != nil || got != "/home/u/.cache/orderflow/jaeger-v1.76.0-static/jaeger" {
		t.Errorf("JaegerBinary = %q, %v", got, err)
	}
	env["XDG_CACHE_HOME"] = "/c"
	if got, _ := JaegerBinary(func(k string) string { return env[k] }, "v1.76.0"); got != "/c/orderflow/jaeger-v1.76.0-static/jaeger" {
		t.Errorf("with XDG_CACHE_HOME: %q", got)
	}

	root := t.TempDir()
	l := Layout{Root: root, RunDir: filepath.Join(root, ".run")}
	if got := JaegerVersion(l); got != defaultJaegerVersion {
		t.Errorf("no go.mod: %q", got)
	}
	os.MkdirAll(l.JaegerModule(), 0o755)
	os.WriteFile(filepath.Join(l.JaegerModule(), "go.mod"), []byte("module x\n\nrequire (\n\tgithub.com/jaegertracing/jaeger v1.77.1 // indirect\n)\n"), 0o644)
	if got := JaegerVersion(l); got != "v1.77.1" {
		t.Errorf("JaegerVersion = %q", got)
	}
}
