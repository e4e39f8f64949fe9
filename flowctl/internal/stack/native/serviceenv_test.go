package native

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestServiceEnv(t *testing.T) {
	env := map[string]string{"PATH": "/usr/bin", "TRACE_PROPAGATION": "link", "KAFKA_TOPIC_PREFIX": "ws1.", "LOG_LEVEL": "debug",
		"HTTP_ADDR": "0.0.0.0:1", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://elsewhere:4318", "UNRELATED": "x",
		"HTTP_MAX_IN_FLIGHT": "3", "HTTP_QUEUE_WAIT": "0s", "HTTP_CLIENT_MAX_CONNS": "2", "PPROF_ADDR": "127.0.0.1:6000"}
	r := New(stacksWith(t, env), stack.Layout{Root: "/r", RunDir: "/r/.run"})
	o := r.opts(stackmode.Events, nil)
	st := stack.Stack{Mode: o.Mode, URLs: stack.StackURLs(o.PortBase, o.Mode), Brokers: []string{"127.0.0.1:9092"}}

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
	got = serviceEnv(r.opts(stackmode.Events, nil), st, "inventory-svc")
	for _, want := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318", "TRACE_PROPAGATION=child", "HTTP_ADDR=127.0.0.1:8182", "PPROF_ADDR=127.0.0.1:6102"} {
		if !slices.Contains(got, want) {
			t.Errorf("env lacks %s: %v", want, got)
		}
	}
}

// TestServiceEnvOfEachStack: the stack, not the user's SAGA, says the style;
// the orchestrated stack's prefix follows the user's.
func TestServiceEnvOfEachStack(t *testing.T) {
	env := map[string]string{"KAFKA_TOPIC_PREFIX": "ws1.", "SAGA": "orchestration"}
	r := New(stacksWith(t, env), stack.Layout{Root: "/r", RunDir: "/r/.run"})
	for m, wants := range map[stackmode.Mode][]string{
		stackmode.Sync:          {"MODE=sync", "HTTP_ADDR=127.0.0.1:8081", "KAFKA_TOPIC_PREFIX=ws1."},
		stackmode.Events:        {"MODE=events", "SAGA=choreography", "HTTP_ADDR=127.0.0.1:8181", "KAFKA_TOPIC_PREFIX=ws1."},
		stackmode.Orchestration: {"MODE=events", "SAGA=orchestration", "HTTP_ADDR=127.0.0.1:8281", "KAFKA_TOPIC_PREFIX=ws1.orch.", "DB_PATH=/r/.run/events-orchestration/order-svc.db", "INVENTORY_URL=http://127.0.0.1:8282"},
	} {
		o := r.opts(m, nil)
		got := serviceEnv(o, stack.Stack{Mode: m, URLs: stack.StackURLs(o.PortBase, m)}, "order-svc")
		for _, want := range wants {
			if !slices.Contains(got, want) {
				t.Errorf("%s: env lacks %s: %v", m, want, got)
			}
		}
		if m == stackmode.Sync && slices.ContainsFunc(got, func(e string) bool { return strings.HasPrefix(e, "SAGA=") }) {
			t.Errorf("sync: env has a SAGA (a sync service refuses anything but the default): %v", got)
		}
	}
}

func TestJaegerBinaryAndVersion(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	got, err := JaegerBinary(stacksWith(t, env).JaegerCacheDir(), "v1.76.0")
	if err != nil || got != "/home/u/.cache/orderflow/jaeger-v1.76.0-static/jaeger" {
		t.Errorf("JaegerBinary = %q, %v", got, err)
	}
	env["XDG_CACHE_HOME"] = "/c"
	if got, _ := JaegerBinary(stacksWith(t, env).JaegerCacheDir(), "v1.76.0"); got != "/c/orderflow/jaeger-v1.76.0-static/jaeger" {
		t.Errorf("with XDG_CACHE_HOME: %q", got)
	}
	if _, err := JaegerBinary(stacksWith(t, nil).JaegerCacheDir(), "v1.76.0"); err == nil || !strings.Contains(err.Error(), "neither XDG_CACHE_HOME nor HOME") {
		t.Errorf("neither set: %v, want an error saying so", err)
	}

	root := t.TempDir()
	l := stack.Layout{Root: root, RunDir: filepath.Join(root, ".run")}
	if got := JaegerVersion(l); got != defaultJaegerVersion {
		t.Errorf("no go.mod: %q", got)
	}
	os.MkdirAll(l.JaegerModule(), 0o755)
	os.WriteFile(filepath.Join(l.JaegerModule(), "go.mod"), []byte("module x\n\nrequire (\n\tgithub.com/jaegertracing/jaeger v1.77.1 // indirect\n)\n"), 0o644)
	if got := JaegerVersion(l); got != "v1.77.1" {
		t.Errorf("JaegerVersion = %q", got)
	}
}
