package stack

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"
)

// Stacks knows where the stacks run: the run dir, ports, broker, admin
// token, topic prefix, Jaeger and the runtime. The root command builds it
// once from its flags and the environment; this file is the only place in
// flowctl that reads the environment (scripts/check-env.sh fails `make vet`
// on a read elsewhere): its own variables (KAFKA_BROKERS, ADMIN_TOKEN,
// KAFKA_TOPIC_PREFIX, RUNTIME, …) and what the runtimes pass on to what they
// start (the services' config.Vars, PATH, the Docker host, the Jaeger
// cache), so the runtimes get values, not a getenv.
//
// What costs something is resolved on first use, not here: the admin token
// (it may write .run/admin-token), whether Jaeger answers (a network probe)
// and the runtime (it may ask a Docker engine), so `flowctl --help` and
// `flowctl env` touch nothing.
type Stacks struct {
	// getenv is the process environment: read in this file only.
	getenv func(string) string
	// Self is the flowctl binary, started again as `flowctl broker` and
	// `flowctl dashboard --detach`.
	Self string
	// Kind is --runtime (RUNTIME): native, docker or auto.
	Kind RuntimeKind
	// PortBase places the native stacks' services; BrokerPort the embedded
	// broker.
	PortBase, BrokerPort int
	// Brokers is where the events stack's Kafka is: KAFKA_BROKERS, else the
	// embedded broker on BrokerPort.
	Brokers []string
	// ExternalBrokers is KAFKA_BROKERS as set ("" when the broker is
	// flowctl's own): a broker flowctl did not start and will not stop.
	ExternalBrokers string
	// TopicPrefix is KAFKA_TOPIC_PREFIX, put before every topic and group.
	TopicPrefix string
	// ReplicationFactor is KAFKA_REPLICATION_FACTOR (0: the broker's default).
	ReplicationFactor int
	// Jaeger is Jaeger's UI and query URL.
	Jaeger string

	layout    Layout
	layoutErr error
	envToken  string
	runtimes  []Provider

	tokenMu sync.Mutex
	token   string

	rtMu    sync.Mutex
	runtime Runtime
	why     string // why auto fell back, said by every bring-up
}

// Flags are the root command's global flags.
type Flags struct {
	// Dir is where the repository root is searched from; RunDir "" means
	// <root>/.run.
	Dir, RunDir          string
	PortBase, BrokerPort int
	Runtime              string
	Self                 string
}

// Defaults are the global flags' defaults, from the environment.
type Defaults struct {
	PortBase, BrokerPort int
	Runtime              string
	DashboardAddr        string
}

// DefaultDashboardAddr is where `flowctl dashboard` listens unless told.
const DefaultDashboardAddr = "127.0.0.1:8090"

// FlagDefaults reads the flags' defaults: FLOWCTL_PORT_BASE,
// FLOWCTL_BROKER_PORT, RUNTIME and FLOWCTL_DASHBOARD_ADDR.
func FlagDefaults(getenv func(string) string) Defaults {
	d := Defaults{
		PortBase:      envInt(getenv, "FLOWCTL_PORT_BASE", topology.DefaultPortBase),
		BrokerPort:    envInt(getenv, "FLOWCTL_BROKER_PORT", DefaultBrokerPort),
		Runtime:       getenv("RUNTIME"),
		DashboardAddr: getenv("FLOWCTL_DASHBOARD_ADDR"),
	}
	if d.DashboardAddr == "" {
		d.DashboardAddr = DefaultDashboardAddr
	}
	return d
}

func envInt(getenv func(string) string, name string, def int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return def
}

// New checks the flags and reads the environment. runtimes are the
// runtimes flowctl knows, in the order auto tries them; the last is auto's
// fallback and must need nothing from the machine.
func New(f Flags, getenv func(string) string, runtimes []Provider) (*Stacks, error) {
	kinds := make([]RuntimeKind, len(runtimes))
	for i, p := range runtimes {
		kinds[i] = p.Kind()
	}
	kind, err := ParseRuntime(f.Runtime, kinds...)
	if err != nil {
		return nil, fmt.Errorf("--runtime: %w", err)
	}
	if err := CheckPortBase(f.PortBase); err != nil {
		return nil, fmt.Errorf("--port-base: %w", err)
	}
	if f.BrokerPort < 1 || f.BrokerPort > 65535 {
		return nil, fmt.Errorf("--broker-port %d: use a port from 1 to 65535", f.BrokerPort)
	}
	s := &Stacks{
		getenv: getenv, Self: f.Self, Kind: kind, PortBase: f.PortBase, BrokerPort: f.BrokerPort,
		ExternalBrokers: strings.TrimSpace(getenv("KAFKA_BROKERS")),
		TopicPrefix:     getenv("KAFKA_TOPIC_PREFIX"),
		Jaeger:          JaegerUI,
		envToken:        strings.TrimSpace(getenv("ADMIN_TOKEN")),
		runtimes:        runtimes,
	}
	s.ReplicationFactor, _ = strconv.Atoi(getenv("KAFKA_REPLICATION_FACTOR"))
	s.Brokers = s.BrokersOr("")
	// Outside the repository only the commands that need no run dir work
	// (env, broker): the error waits for the first that asks.
	s.layout, s.layoutErr = NewLayout(f.Dir, f.RunDir)
	return s, nil
}

// Layout is the run dir's layout, or why there is none (no go.work above
// the working directory).
func (s *Stacks) Layout() (Layout, error) { return s.layout, s.layoutErr }

// BrokersOr is flag's brokers (host:port,…) when given, else Brokers' source:
// KAFKA_BROKERS, else the embedded broker.
func (s *Stacks) BrokersOr(flag string) []string {
	list := flag
	if strings.TrimSpace(list) == "" {
		list = s.ExternalBrokers
	}
	if strings.TrimSpace(list) == "" {
		list = Addr(s.BrokerPort)
	}
	var out []string
	for b := range strings.SplitSeq(list, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// URLs are the base URLs of mode's services at the configured port base.
func (s *Stacks) URLs(m stackmode.Mode) map[string]string { return StackURLs(s.PortBase, m) }

// Token is the services' admin token: ADMIN_TOKEN, else the run dir's
// (made on first use).
func (s *Stacks) Token() (string, error) {
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	if s.token != "" {
		return s.token, nil
	}
	if s.envToken != "" {
		s.token = s.envToken
		return s.token, nil
	}
	if s.layoutErr != nil {
		return "", s.layoutErr
	}
	tok, err := AdminToken(s.layout)
	if err != nil {
		return "", err
	}
	s.token = tok
	return tok, nil
}

// JaegerRuns says whether Jaeger answers now.
func (s *Stacks) JaegerRuns(ctx context.Context) bool { return Answers(ctx, s.Jaeger) }

// ChildEnv is what a flowctl this one starts in the background (the
// detached dashboard) needs from the environment: where things are and the
// token, nothing else.
func (s *Stacks) ChildEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ", "ADMIN_TOKEN", "KAFKA_BROKERS", "KAFKA_TOPIC_PREFIX",
		"RUNTIME", "DOCKER_HOST", "DOCKER_CONFIG", "XDG_CACHE_HOME", "FLOWCTL_PORT_BASE", "FLOWCTL_BROKER_PORT",
		"KUBECONFIG", "FLOWCTL_KUBE_CONTEXT", "FLOWCTL_KUBE_NAMESPACE", "FLOWCTL_KUBE_URL"} {
		if v := s.getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// BaseEnv is what every process a runtime starts gets from flowctl's own
// environment (PATH, HOME, TMPDIR, TZ): the children are configured
// explicitly, not by whatever the developer's shell happens to export.
func (s *Stacks) BaseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ"} {
		if v := s.getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// ServiceVars are the services' documented variables (config.Vars) the user
// set, by name, non-empty only: a runtime passes them on to the services it
// starts, then sets the ones that wire the stack together. A new map each
// call, the caller's to change.
func (s *Stacks) ServiceVars() map[string]string {
	vars := map[string]string{}
	for _, v := range config.Vars {
		if val := s.getenv(v.Name); val != "" {
			vars[v.Name] = val
		}
	}
	return vars
}

// Propagation is TRACE_PROPAGATION as the user set it, else the services'
// default: what a stack's services start with until a runtime's
// SetPropagation chooses.
func (s *Stacks) Propagation() config.Propagation {
	if v := s.getenv("TRACE_PROPAGATION"); v != "" {
		return config.Propagation(v)
	}
	return config.PropagationChild
}

// SpanExportDelay is OTEL_BSP_SCHEDULE_DELAY as the user set it ("": unset),
// read by the services' OpenTelemetry SDK, not config.Vars: how often their
// spans are exported. The native runtime shortens the default when unset.
func (s *Stacks) SpanExportDelay() string { return s.getenv("OTEL_BSP_SCHEDULE_DELAY") }

// JaegerCacheDir is the cache directory a built Jaeger is kept under,
// outside the run dir so `make clean` does not throw away a 2–5 minute
// build: $XDG_CACHE_HOME, else $HOME/.cache; "" when neither is set.
func (s *Stacks) JaegerCacheDir() string {
	if cache := s.getenv("XDG_CACHE_HOME"); cache != "" {
		return cache
	}
	if home := s.getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache")
	}
	return ""
}

// KubeConfig are the kubeconfig files the Kubernetes runtime reads:
// KUBECONFIG's list, else $HOME/.kube/config (kubectl's rule); nil when
// neither is set.
func (s *Stacks) KubeConfig() []string {
	if v := s.getenv("KUBECONFIG"); v != "" {
		return filepath.SplitList(v)
	}
	if home := s.getenv("HOME"); home != "" {
		return []string{filepath.Join(home, ".kube", "config")}
	}
	return nil
}

// KubeContext is FLOWCTL_KUBE_CONTEXT: the kubeconfig context to use ("":
// its current context).
func (s *Stacks) KubeContext() string { return strings.TrimSpace(s.getenv("FLOWCTL_KUBE_CONTEXT")) }

// KubeNamespace is FLOWCTL_KUBE_NAMESPACE, the namespace of a stack on the
// cluster with {mode} for the stack's name ("": deploy/k8s's overlays'
// orderflow-{mode}).
func (s *Stacks) KubeNamespace() string { return strings.TrimSpace(s.getenv("FLOWCTL_KUBE_NAMESPACE")) }

// KubeURL is FLOWCTL_KUBE_URL, the services' base URL on the cluster with
// {service} and {namespace} (an ingress, or the cluster's DNS when flowctl
// runs in it); "": flowctl reaches them through port-forwards.
func (s *Stacks) KubeURL() string { return strings.TrimSpace(s.getenv("FLOWCTL_KUBE_URL")) }

// DockerHost is DOCKER_HOST ("": the docker command's current context), the
// engine the Docker runtime reads container stats from.
func (s *Stacks) DockerHost() string { return strings.TrimSpace(s.getenv("DOCKER_HOST")) }

// DockerTLSVerify says DOCKER_TLS_VERIFY is set: the engine wants TLS
// client certificates, which flowctl's stats reader does not have.
func (s *Stacks) DockerTLSVerify() bool { return s.getenv("DOCKER_TLS_VERIFY") != "" }

// DatabaseURL is the user's DATABASE_URL ("" when unset): flowctl then keeps
// each stack's services in a database of their own on that server instead
// of starting a PostgreSQL of its own.
func (s *Stacks) DatabaseURL() string { return strings.TrimSpace(s.getenv("DATABASE_URL")) }
