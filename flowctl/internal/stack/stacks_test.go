package stack

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/topology"
)

func TestNewReadsFlagsAndEnvironment(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KAFKA_BROKERS": " b1:9092, b2:9092 ", "KAFKA_TOPIC_PREFIX": "ws1.", "KAFKA_REPLICATION_FACTOR": "3"}
	getenv := func(k string) string { return env[k] }
	f := Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: 19092, Runtime: "native"}
	s, err := New(f, getenv, nil)
	if err == nil {
		t.Fatal("a --runtime no runtime knows was accepted")
	}
	s, err = New(f, getenv, []Provider{fakeProvider{kind: "native"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Brokers, []string{"b1:9092", "b2:9092"}) || s.ExternalBrokers != "b1:9092, b2:9092" || s.TopicPrefix != "ws1." || s.ReplicationFactor != 3 {
		t.Errorf("stacks %+v", s)
	}
	if got := s.BrokersOr("x:1"); !slices.Equal(got, []string{"x:1"}) {
		t.Errorf("--brokers wins: %v", got)
	}
	// The token is made on first use only, in the run dir.
	l, _ := s.Layout()
	if _, err := os.Stat(l.AdminTokenFile()); err == nil {
		t.Error("New wrote the admin token")
	}
	tok, err := s.Token()
	if b, rerr := os.ReadFile(l.AdminTokenFile()); err != nil || rerr != nil || strings.TrimSpace(string(b)) != tok {
		t.Errorf("token %q, %v; file %q, %v", tok, err, b, rerr)
	}
	env["ADMIN_TOKEN"] = "from-env"
	if s, _ := New(f, getenv, []Provider{fakeProvider{kind: "native"}}); s != nil {
		if tok, _ := s.Token(); tok != "from-env" {
			t.Errorf("ADMIN_TOKEN did not win: %q", tok)
		}
	}
	// Outside the repository only a command that needs the run dir fails.
	f.Dir = t.TempDir()
	s, err = New(f, func(string) string { return "" }, []Provider{fakeProvider{kind: "native"}})
	if err != nil || !slices.Equal(s.Brokers, []string{"127.0.0.1:19092"}) {
		t.Fatalf("outside the repository: %v, %v", s, err)
	}
	if _, err := s.Layout(); err == nil {
		t.Error("no go.work, yet a layout")
	}
	if err := s.Down(context.Background(), Modes, true, os.Stdout); err == nil {
		t.Error("down without a run dir")
	}
}

func TestNewChecksFlags(t *testing.T) {
	native := []Provider{fakeProvider{kind: "native"}}
	for _, c := range []struct {
		f    Flags
		want string
	}{
		{Flags{PortBase: 80, BrokerPort: 9092}, "--port-base: 80"},
		{Flags{PortBase: topology.DefaultPortBase, BrokerPort: 0}, "--broker-port 0"},
		{Flags{PortBase: topology.DefaultPortBase, BrokerPort: 9092, Runtime: "podman"}, `--runtime: runtime "podman": use native or auto`},
	} {
		if _, err := New(c.f, func(string) string { return "" }, native); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.f, err, c.want)
		}
	}
	d := FlagDefaults(func(k string) string { return map[string]string{"FLOWCTL_PORT_BASE": "18080", "RUNTIME": "native"}[k] })
	if d.PortBase != 18080 || d.BrokerPort != DefaultBrokerPort || d.Runtime != "native" || d.DashboardAddr != DefaultDashboardAddr {
		t.Errorf("defaults %+v", d)
	}
}
