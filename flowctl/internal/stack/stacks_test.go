package stack

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
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

// TestStacksReadsWhatTheRuntimesPassOn: the runtimes get values from
// Stacks, which reads them from the environment it was built with.
func TestStacksReadsWhatTheRuntimesPassOn(t *testing.T) {
	env := map[string]string{"PATH": "/usr/bin", "HOME": "/home/u", "UNRELATED": "x", "LOG_LEVEL": "debug",
		"PPROF_ADDR": "127.0.0.1:6000", "OTEL_BSP_SCHEDULE_DELAY": "200", "DOCKER_HOST": " tcp://127.0.0.1:2375 "}
	newStacks := func() *Stacks {
		s, err := New(Flags{Dir: t.TempDir(), PortBase: topology.DefaultPortBase, BrokerPort: DefaultBrokerPort},
			func(k string) string { return env[k] }, []Provider{fakeProvider{kind: "native"}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := newStacks()
	if got := s.BaseEnv(); !slices.Equal(got, []string{"PATH=/usr/bin", "HOME=/home/u"}) {
		t.Errorf("BaseEnv = %v, want PATH and HOME only", got)
	}
	vars := s.ServiceVars()
	if len(vars) != 2 || vars["LOG_LEVEL"] != "debug" || vars["PPROF_ADDR"] != "127.0.0.1:6000" {
		t.Errorf("ServiceVars = %v, want LOG_LEVEL and PPROF_ADDR (config.Vars the user set)", vars)
	}
	vars["LOG_LEVEL"] = "warn"
	if s.ServiceVars()["LOG_LEVEL"] != "debug" {
		t.Error("ServiceVars handed out a map Stacks keeps")
	}
	if p := s.Propagation(); p != config.PropagationChild {
		t.Errorf("Propagation unset = %q, want the services' default %q", p, config.PropagationChild)
	}
	if d := s.SpanExportDelay(); d != "200" {
		t.Errorf("SpanExportDelay = %q", d)
	}
	if c := s.JaegerCacheDir(); c != "/home/u/.cache" {
		t.Errorf("JaegerCacheDir = %q, want HOME's .cache", c)
	}
	if h, tls := s.DockerHost(), s.DockerTLSVerify(); h != "tcp://127.0.0.1:2375" || tls {
		t.Errorf("DockerHost, DockerTLSVerify = %q, %v", h, tls)
	}

	env["TRACE_PROPAGATION"], env["XDG_CACHE_HOME"], env["DOCKER_TLS_VERIFY"] = "link", "/c", "1"
	delete(env, "HOME")
	s = newStacks()
	if p, c, tls := s.Propagation(), s.JaegerCacheDir(), s.DockerTLSVerify(); p != config.PropagationLink || c != "/c" || !tls {
		t.Errorf("Propagation, JaegerCacheDir, DockerTLSVerify = %q, %q, %v; want link, /c, true", p, c, tls)
	}
	delete(env, "XDG_CACHE_HOME")
	if c := newStacks().JaegerCacheDir(); c != "" {
		t.Errorf("JaegerCacheDir without XDG_CACHE_HOME and HOME = %q, want \"\"", c)
	}
}

func TestCommandIsTheBinaryAsTypedFromTheRoot(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for self, want := range map[string]string{
		filepath.Join(root, ".run", "bin", "flowctl"): ".run/bin/flowctl",
		filepath.Join(root, "bin", "flowctl"):         "bin/flowctl",
		filepath.Join(root, "flowctl"):                "./flowctl",
		"/tmp/go-build123/b001/exe/flowctl":           "go run ./flowctl",
		"/usr/local/bin/flowctl":                      "/usr/local/bin/flowctl",
		"":                                            "go run ./flowctl",
	} {
		s, err := New(Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: 19092, Runtime: "native", Self: self},
			func(string) string { return "" }, []Provider{fakeProvider{kind: "native"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Command(); got != want {
			t.Errorf("Self %q: Command %q, want %q", self, got, want)
		}
	}
}

// The Kubernetes runtime's settings: KUBECONFIG is a path list (else
// ~/.kube/config), the rest as set, trimmed; and a detached dashboard gets
// them too.
func TestStacksReadsTheKubernetesSettings(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "FLOWCTL_KUBE_CONTEXT": " lab ", "FLOWCTL_KUBE_NAMESPACE": "team-{mode}",
		"FLOWCTL_KUBE_URL": "https://{namespace}.example/{service}"}
	s, err := New(Flags{PortBase: 8080, BrokerPort: 9092}, func(k string) string { return env[k] }, []Provider{fakeProvider{kind: "native"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.KubeConfig(); len(got) != 1 || got[0] != "/home/u/.kube/config" {
		t.Errorf("KubeConfig without KUBECONFIG = %v", got)
	}
	env["KUBECONFIG"] = "/a:/b"
	if got := s.KubeConfig(); len(got) != 2 || got[0] != "/a" || got[1] != "/b" {
		t.Errorf("KubeConfig = %v; want /a, /b", got)
	}
	if s.KubeContext() != "lab" || s.KubeNamespace() != "team-{mode}" || s.KubeURL() != env["FLOWCTL_KUBE_URL"] {
		t.Errorf("context %q, namespace %q, url %q", s.KubeContext(), s.KubeNamespace(), s.KubeURL())
	}
	if got := strings.Join(s.ChildEnv(), " "); !strings.Contains(got, "KUBECONFIG=/a:/b") || !strings.Contains(got, "FLOWCTL_KUBE_URL=") {
		t.Errorf("ChildEnv %q lacks the Kubernetes settings", got)
	}
}
