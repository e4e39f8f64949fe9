package stack

import (
	"context"
	"errors"
	"io"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// Runtime is everything flowctl does to the runtime the stacks run in (a
// process natively, a container with Docker, later a pod): every command,
// scenario and the dashboard go through it, so a new runtime is one more
// implementation of this interface and no caller changes.
type Runtime interface {
	// Runtime is the runtime's kind: "native" or "docker".
	Runtime() string

	// Holds says whether stacks of flowctl's run in this runtime now.
	Holds(ctx context.Context) bool
	// Usable is nil when a stack could be brought up here, else why not
	// (one line: an image is missing and cannot be pulled).
	Usable(ctx context.Context) error
	// Running is nil when mode's stack runs here, as far as the runtime can
	// tell cheaply; else it says how to start it.
	Running(ctx context.Context, mode stackmode.Mode) error
	// URLs are where mode's services answer in this runtime, by service.
	URLs(mode stackmode.Mode) map[string]string
	// JaegerUI says Jaeger's own UI answers at JaegerUI (Docker's image);
	// natively Jaeger is built from source without it and serves a
	// placeholder page, so links point at `flowctl trace` instead.
	JaegerUI() bool

	// Up brings mode's stack up (and the broker and tracing it needs),
	// calling o.Step after each finished step.
	Up(ctx context.Context, mode stackmode.Mode, o UpOptions) (Stack, error)
	// Down stops what this runtime runs of modes' stacks and, with infra,
	// the broker, tracing and dashboard they share, saying each on w; it
	// returns how many things it stopped.
	Down(ctx context.Context, modes []stackmode.Mode, infra bool, w io.Writer) (int, error)
	// Logs prints the last lines of every log this runtime keeps; false
	// when it keeps none.
	Logs(ctx context.Context, w io.Writer, lines int) (bool, error)

	// StopService stops one service of mode's stack (all its replicas).
	StopService(ctx context.Context, mode stackmode.Mode, svc string) error
	// StartService starts it again (as many replicas as it had) and returns
	// once it answers /readyz.
	StartService(ctx context.Context, mode stackmode.Mode, svc string) error
	// Scale runs n replicas (n >= 1) of svc in mode's stack and returns once
	// the replicas added answer /readyz, or the replicas removed drained
	// (no request in flight through the balancer, consumers left their group)
	// and stopped.
	Scale(ctx context.Context, mode stackmode.Mode, svc string, n int) error
	// Replicas is how many replicas of svc run in mode's stack.
	Replicas(ctx context.Context, mode stackmode.Mode, svc string) (int, error)
	// ReplicaEndpoints are the running replicas of svc in mode's stack,
	// each reached on its own (not through the balancer in front), by a
	// name that stays the replica's while it runs; an unscaled service is
	// its one URL. ErrNotOurs when the runtime reaches svc only through a
	// balancer it does not control (a Kubernetes ingress).
	ReplicaEndpoints(ctx context.Context, mode stackmode.Mode, svc string) ([]api.Replica, error)
	// ReplicaMetrics reads /metrics of each running replica of svc in
	// mode's stack on its own, by a name that stays the replica's while it
	// runs; ErrNotOurs when the runtime reaches svc only through its
	// balancer (one replica's count at a time).
	ReplicaMetrics(ctx context.Context, mode stackmode.Mode, svc string) (map[string]map[string]float64, error)
	// BalancerCounts are what the balancer in front of svc counted since
	// it started; ErrNotOurs when the runtime's balancer counts nothing.
	BalancerCounts(ctx context.Context, mode stackmode.Mode, svc string) (BalancerCounts, error)
	// Local says the stacks run on flowctl's machine, so its cores are
	// theirs (false: a cluster, a remote Docker host).
	Local() bool
	// StopBroker stops the Kafka broker; false when none was running.
	StopBroker(ctx context.Context) (bool, error)
	// StartBroker starts it again and returns once it answers.
	StartBroker(ctx context.Context) error
	// SetPropagation restarts mode's services with TRACE_PROPAGATION=p and
	// returns once they are ready.
	SetPropagation(ctx context.Context, mode stackmode.Mode, p config.Propagation) error
	// Propagation is the TRACE_PROPAGATION mode's services run with.
	Propagation(mode stackmode.Mode) config.Propagation
	// SetFraudCheck turns the fraud check (FRAUD_CHECK) on or off in mode's
	// stack while it runs: fraud-svc starts (stops) and the services whose
	// wiring the topology changes restart (FraudChange); the rest keep
	// running. It returns what it did once everything started is ready.
	SetFraudCheck(ctx context.Context, mode stackmode.Mode, on bool) (topology.Change, error)
	// FraudCheck says whether mode's stack runs with the check on.
	FraudCheck(mode stackmode.Mode) bool
	// SetEnv restarts svc of mode's stack with vars set (documented
	// variables only; an empty value: the service's default) and returns
	// once it is ready. They stay set for its later starts until SetEnv is
	// called again; an empty vars drops them.
	SetEnv(ctx context.Context, mode stackmode.Mode, svc string, vars map[string]string) error

	// WipeService forgets a stopped service's database.
	WipeService(ctx context.Context, mode stackmode.Mode, svc string) error
	// StartFresh starts it again on an empty database and waits until ready.
	StartFresh(ctx context.Context, mode stackmode.Mode, svc string) error
	// WipeStoppedBroker deletes the log of a broker that does not answer;
	// false when there was none, ErrNotOurs when the runtime cannot.
	WipeStoppedBroker(ctx context.Context) (bool, error)

	// Usage measures what mode's components use now: its services, the
	// broker (events) and the shared tracing backend when it runs.
	Usage(ctx context.Context, mode stackmode.Mode) ([]usage.Component, error)
	// Processes are the host processes of mode's stack whose CPU and memory
	// the bench samples, or why there are none to sample.
	Processes(ctx context.Context, mode stackmode.Mode) ([]Process, string)
}

// ErrNotOurs says the runtime cannot do what was asked to a part flowctl
// did not start (a broker named by KAFKA_BROKERS, Docker's Kafka volume).
var ErrNotOurs = errors.New("not flowctl's to change")

// UpOptions steer Runtime.Up.
type UpOptions struct {
	// NoJaeger: natively, start no Jaeger (the services export no traces).
	NoJaeger bool
	// Build: with Docker, rebuild the service images.
	Build bool
	// FraudCheck brings the stack up with the fraud check on: fraud-svc
	// runs and every service gets FRAUD_CHECK=on (off: the three as ever).
	FraudCheck bool
	// Progress receives live output (compose's, the Jaeger build's).
	Progress io.Writer
	TTY      bool
	// Step is called after each finished step.
	Step func(Step)
	// Replicas is how many replicas of a service run (service → n; absent = 1).
	Replicas map[string]int
	// Store is where the services keep their state: "" or StoreSQLite (a
	// file each; PostgreSQL when DATABASE_URL is set or a replica count is
	// above 1) or StorePostgres.
	Store string
}

// Process is one host process the bench samples.
type Process struct {
	Name string
	PID  int
}

// Unimplemented is a Runtime whose every method panics: a test's fake
// embeds it and writes only the methods the code under test calls.
type Unimplemented struct{ runtime }

// runtime names the embedded interface (a field called Runtime would hide
// the Runtime method).
type runtime = Runtime
