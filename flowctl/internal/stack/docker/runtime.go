// Package docker runs the stacks with docker compose (docker-compose.yml):
// real Apache Kafka, Jaeger with its UI and the service images, on the
// documented ports.
package docker

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Kind is the Docker runtime's --runtime value.
const Kind stack.RuntimeKind = "docker"

// Provider opens the Docker runtime when an engine answers.
type Provider struct {
	// Engine answers the image check (nil: the docker command).
	Engine Engine
}

func (Provider) Kind() stack.RuntimeKind { return Kind }
func (Provider) Name() string            { return "Docker" }

// Open finds a compose command that reaches an engine.
func (p Provider) Open(ctx context.Context, s *stack.Stacks) (stack.Runtime, error) {
	l, err := s.Layout()
	if err != nil {
		return nil, err
	}
	// compose gets the whole environment (its file interpolates
	// ${KAFKA_IMAGE} and the like): a hand-off, not a read.
	c, err := FindCompose(ctx, l.Root, os.Environ())
	if err != nil {
		return nil, err
	}
	e := p.Engine
	if e == nil {
		e = CLI{}
	}
	return &Runtime{s: s, compose: c, engine: e, propagation: map[stackmode.Mode]config.Propagation{},
		env: map[stackmode.Mode]map[string]map[string]string{}, pg: map[stackmode.Mode]bool{}, wiped: map[stackmode.Mode]map[string]int{}}, nil
}

// Runtime stops and starts the containers of the compose stacks.
type Runtime struct {
	s       *stack.Stacks
	compose *Compose
	engine  Engine
	// token says ADMIN_TOKEN is in compose's environment: added once, when
	// a container is first created.
	token       bool
	propagation map[stackmode.Mode]config.Propagation
	// env are SetEnv's variables, by mode and service.
	env map[stackmode.Mode]map[string]map[string]string
	// pg says which stacks run in the PostgreSQL form (form.go), once known.
	pg map[stackmode.Mode]bool
	// wiped are the replica counts of services WipeService removed, for
	// StartFresh.
	wiped map[stackmode.Mode]map[string]int
	// dockerBin is the docker command ("": docker on PATH).
	dockerBin string
}

func (r *Runtime) Runtime() string { return string(Kind) }

// JaegerUI is true: the jaeger image serves its UI.
func (r *Runtime) JaegerUI() bool { return true }

// Compose is the compose command the runtime runs.
func (r *Runtime) Compose() *Compose { return r.compose }

// withToken puts the admin token into compose's environment before a
// container is created (docker-compose.yml hands it to the services).
func (r *Runtime) withToken() error {
	if r.token {
		return nil
	}
	tok, err := r.s.Token()
	if err != nil {
		return err
	}
	r.compose.Env = append(r.compose.Env, "ADMIN_TOKEN="+tok)
	r.token = true
	return nil
}

// Holds says whether the compose project has containers.
func (r *Runtime) Holds(ctx context.Context) bool {
	out, err := r.compose.Output(ctx, "ps", "-q")
	return err == nil && strings.TrimSpace(out) != ""
}

// Usable is nil when every image both stacks run is present, pullable or
// buildable (one check for both modes, so they never end up on different
// runtimes).
func (r *Runtime) Usable(ctx context.Context) error {
	if err := r.compose.ImagesUsable(ctx, r.engine, "all"); err != nil {
		return fmt.Errorf("the Docker engine answers, but %v (`make images-offline` builds every image without a registry; RUNTIME=docker insists on Docker)", err)
	}
	return nil
}

// Running: compose itself says so when a container is not there.
func (r *Runtime) Running(context.Context, stackmode.Mode) error { return nil }

// URLs are the documented ports: the compose file publishes them.
func (r *Runtime) URLs(m stackmode.Mode) map[string]string {
	return stack.StackURLs(topology.DefaultPortBase, m)
}

// Up brings mode's stack up with compose and waits until it is ready.
func (r *Runtime) Up(ctx context.Context, m stackmode.Mode, u stack.UpOptions) (stack.Stack, error) {
	if err := r.withToken(); err != nil {
		return stack.Stack{}, err
	}
	fmt.Fprintf(u.Progress, "bringing up the %s stack with Docker (%s, project %s); the first start builds images and shows their progress\n", m, strings.Join(r.compose.Cmd, " "), ComposeProject)
	// A stack already on PostgreSQL stays there, with its replicas, unless
	// asked for SQLite (`load` and the scenarios bring stacks up as well).
	pg := u.NeedsPostgres() || u.Store != stack.StoreSQLite && r.onPostgres(ctx, m)
	if pg {
		u.Replicas = r.keepReplicas(ctx, m, u.Replicas)
	}
	if _, err := r.removeForm(ctx, m, !pg, u.Progress); err != nil {
		return stack.Stack{}, err
	}
	r.pg[m] = pg
	if !u.FraudCheck {
		if err := r.removeFraudSvc(ctx, m); err != nil {
			return stack.Stack{}, err
		}
	}
	st, err := up(ctx, r.compose.withFraudCheck(u.FraudCheck), m, u, pg)
	if err != nil || !pg {
		return st, err
	}
	return st, r.upReplicas(ctx, m, u)
}

// Down removes the compose project (the stacks share it) when everything
// goes down; otherwise only modes' stacks' containers.
func (r *Runtime) Down(ctx context.Context, modes []stackmode.Mode, infra bool, w io.Writer) (int, error) {
	if !infra {
		return downStacks(ctx, r.compose, modes, w)
	}
	removed, err := down(ctx, r.compose, w)
	if err != nil || !removed {
		return 0, err
	}
	fmt.Fprintf(w, "removed the Docker stacks (compose project %s)\n", ComposeProject)
	return 1, nil
}

// Logs prints the end of every container's log.
func (r *Runtime) Logs(ctx context.Context, w io.Writer, lines int) (bool, error) {
	if out, _ := r.compose.Output(ctx, "ps", "-q"); out == "" {
		return false, nil
	}
	return true, r.compose.Run(ctx, w, "logs", "--no-color", "--tail", strconv.Itoa(lines))
}
