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

// A replica gets its own address, no PPROF_ADDR (one per service would
// clash), and the stack's database, never the user's DATABASE_URL as given.
func TestReplicaEnv(t *testing.T) {
	root := t.TempDir()
	l := stack.Layout{Root: root, RunDir: filepath.Join(root, ".run")}
	env := map[string]string{"PPROF_ADDR": "127.0.0.1:6000", "DATABASE_URL": "postgres://app:pw@db:5432/shop"}
	r := New(stacksWith(t, env), l)
	if err := os.MkdirAll(l.ModeDir(stackmode.Events), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.StoreFile(stackmode.Events), []byte("PostgreSQL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := r.opts(stackmode.Events, nil)
	st := stack.Stack{Mode: o.Mode, URLs: stack.StackURLs(o.PortBase, o.Mode)}
	got := replicaEnv(o, st, "inventory-svc", 2)
	for _, want := range []string{"HTTP_ADDR=127.0.0.1:10182", "DATABASE_URL=postgres://app:pw@db:5432/shop_events", "INVENTORY_URL=http://127.0.0.1:8182"} {
		if !slices.Contains(got, want) {
			t.Errorf("env lacks %s: %v", want, got)
		}
	}
	if slices.ContainsFunc(got, func(e string) bool { return strings.HasPrefix(e, "PPROF_ADDR=") }) {
		t.Errorf("a replica got a PPROF_ADDR: %v", got)
	}

	// On SQLite the user's DATABASE_URL is not passed through either: the
	// stack chose its store when it came up.
	os.Remove(l.StoreFile(stackmode.Events))
	got = serviceEnv(r.opts(stackmode.Events, nil), st, "inventory-svc")
	if slices.ContainsFunc(got, func(e string) bool { return strings.HasPrefix(e, "DATABASE_URL=") }) {
		t.Errorf("a stack on SQLite got a DATABASE_URL: %v", got)
	}
}

func TestRecordedReplicas(t *testing.T) {
	root := t.TempDir()
	l := stack.Layout{Root: root, RunDir: filepath.Join(root, ".run")}
	m := stackmode.Sync
	if n := wantedReplicas(l, m, "inventory-svc"); n != 0 {
		t.Errorf("nothing recorded: %d, want 0 (unscaled)", n)
	}
	if err := recordReplicas(l, m, "inventory-svc", 3); err != nil {
		t.Fatal(err)
	}
	if n := wantedReplicas(l, m, "inventory-svc"); n != 3 {
		t.Errorf("recorded 3, read %d", n)
	}
	if err := recordReplicas(l, m, "inventory-svc", 0); err != nil {
		t.Fatal(err)
	}
	if n := wantedReplicas(l, m, "inventory-svc"); n != 0 {
		t.Errorf("record removed, read %d", n)
	}
}

// More than one replica on SQLite is refused with the way out.
func TestScaleOnSQLiteSaysHow(t *testing.T) {
	root := t.TempDir()
	r := New(stacksWith(t, nil), stack.Layout{Root: root, RunDir: filepath.Join(root, ".run")})
	err := r.Scale(t.Context(), stackmode.Events, "inventory-svc", 3)
	if err == nil || !strings.Contains(err.Error(), "--store postgres") || !strings.Contains(err.Error(), "DATABASE_URL=") {
		t.Errorf("Scale to 3 on SQLite: %v, want the two ways onto PostgreSQL", err)
	}
	if err := r.Scale(t.Context(), stackmode.Events, "shipping-svc", 2); err == nil {
		t.Error("an unknown service was scaled")
	}
}
