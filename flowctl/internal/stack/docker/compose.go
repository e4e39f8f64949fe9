package docker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// ComposeProject is the compose project name flowctl uses, so `down` removes
// exactly what `up` created.
const ComposeProject = "orderflow"

// Compose runs docker compose (v2 plugin) or docker-compose (v1).
type Compose struct {
	Cmd  []string // e.g. ["docker", "compose"] or ["docker-compose"]
	Root string   // where docker-compose.yml is
	Env  []string
}

// FindCompose returns a usable compose command if a Docker engine answers;
// environ is the environment compose runs with (os.Environ, handed on whole).
func FindCompose(ctx context.Context, root string, environ []string) (*Compose, error) {
	if _, err := exec.LookPath("docker"); err != nil {
		return nil, errors.New("no docker command on PATH")
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(cctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("the Docker engine does not answer: %s", firstLine(out, err))
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	env, err := composeEnv(root, environ)
	if err != nil {
		return nil, err
	}
	for _, cmd := range [][]string{{"docker", "compose"}, {"docker-compose"}} {
		args := append(append([]string{}, cmd[1:]...), "version")
		if exec.CommandContext(cctx, cmd[0], args...).Run() == nil {
			return &Compose{Cmd: cmd, Root: root, Env: env}, nil
		}
	}
	return nil, errors.New("neither `docker compose` nor `docker-compose` works; install one (Debian: apt-get install docker-compose)")
}

// composeEnv is environ plus .run/images.env (written by `make
// images-offline`), so locally built images are used without exports; a
// variable set in environ wins over the file.
func composeEnv(root string, environ []string) ([]string, error) {
	env := slices.Clone(environ)
	exported := map[string]bool{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && v != "" {
			exported[k] = true
		}
	}
	path := filepath.Join(root, ".run", "images.env")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return env, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "))
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if exported[k] {
			continue // an explicit export wins over the file
		}
		env = append(env, k+"="+strings.Trim(v, `"'`))
	}
	return env, nil
}

// command is compose with the project, the file and args.
func (c *Compose) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(append([]string{}, c.Cmd[1:]...), "-p", ComposeProject, "-f", filepath.Join(c.Root, "docker-compose.yml"))
	// The PostgreSQL form of the stacks (replicas): every command reads it,
	// so compose never takes its containers for orphans.
	if _, err := os.Stat(filepath.Join(c.Root, ReplicasFile)); err == nil {
		full = append(full, "-f", filepath.Join(c.Root, ReplicasFile))
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, c.Cmd[0], full...)
	cmd.Dir, cmd.Env = c.Root, c.Env
	return cmd
}

// Run runs compose with args, streaming its output to w.
func (c *Compose) Run(ctx context.Context, w io.Writer, args ...string) error {
	cmd := c.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", strings.Join(c.Cmd, " "), strings.Join(args, " "), err)
	}
	return nil
}

// Output runs compose and returns its stdout.
func (c *Compose) Output(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := c.command(ctx, args...)
	cmd.Stdout = &out
	err := cmd.Run()
	return out.String(), err
}

// up brings mode's stack up with compose and waits for the services'
// /readyz on the same host ports as the native stack.
func up(ctx context.Context, c *Compose, mode stackmode.Mode, u stack.UpOptions, pg bool) (stack.Stack, error) {
	progress, step := u.Progress, u.Step
	st := stack.Stack{Mode: mode, URLs: stack.StackURLs(topology.DefaultPortBase, mode), Jaeger: true}
	if mode.Kafka() {
		st.Brokers = []string{stack.Addr(stack.DefaultBrokerPort)}
	}
	t := time.Now()
	args := append(profiles(mode, pg, u.FraudCheck), "up", "-d")
	if u.Build {
		args = append(args, "--build")
	}
	if pg {
		args = append(args, scaleArgs(mode, u.Replicas, stack.Deployed(u.FraudCheck))...)
	}
	if err := c.Run(ctx, progress, args...); err != nil {
		return st, fmt.Errorf("%w (no registry? `make images-offline` builds every image locally)", err)
	}
	step(stack.Step{Name: "compose", Detail: fmt.Sprintf("%s %s (project %s)", strings.Join(c.Cmd, " "), strings.Join(args, " "), ComposeProject), Took: time.Since(t)})
	t = time.Now()
	for _, svc := range stack.Deployed(u.FraudCheck) {
		url := stack.URL(stack.ServicePort(topology.DefaultPortBase, mode, svc)) + "/readyz"
		if err := stack.WaitFor(ctx, 120*time.Second, 200*time.Millisecond, nil, func(ctx context.Context) error { return stack.Probe(ctx, url) }); err != nil {
			logs, _ := c.Output(ctx, "logs", "--tail", "20", container(mode, svc))
			return st, &stack.StartError{What: svc + " (" + string(mode) + ", docker)", Log: "`docker compose -p " + ComposeProject + " logs " + container(mode, svc) + "`", Tail: strings.Split(strings.TrimSpace(logs), "\n"), Err: err}
		}
	}
	if err := stack.WaitFor(ctx, 60*time.Second, 200*time.Millisecond, nil, func(ctx context.Context) error { return stack.Probe(ctx, stack.JaegerUI) }); err != nil {
		return st, fmt.Errorf("Jaeger at %s: %w", stack.JaegerUI, err)
	}
	var ports []string
	for _, svc := range stack.Deployed(u.FraudCheck) {
		ports = append(ports, fmt.Sprintf("%s :%d", svc, stack.ServicePort(topology.DefaultPortBase, mode, svc)))
	}
	step(stack.Step{Name: "services", Detail: fmt.Sprintf("ready in containers: %s; Jaeger UI %s", strings.Join(ports, ", "), stack.JaegerUI), Took: time.Since(t)})
	return st, nil
}

// down removes the compose project's containers (all profiles). It
// reports false when the project has no containers.
func down(ctx context.Context, c *Compose, w io.Writer) (bool, error) {
	out, err := c.Output(ctx, "ps", "-q")
	if err != nil || strings.TrimSpace(out) == "" {
		return false, nil
	}
	args := []string{}
	for _, p := range []string{"sync", "events", "orchestration", "all", "cluster", "fraud-sync", "fraud-events", "fraud-orchestration",
		"pg-sync", "pg-events", "pg-orchestration", "pg-fraud-sync", "pg-fraud-events", "pg-fraud-orchestration"} {
		args = append(args, "--profile", p)
	}
	return true, c.Run(ctx, w, append(args, "down", "--remove-orphans")...)
}

func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return err.Error()
	}
	return s
}
