package docker

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// A stack runs in one of two forms (deploy/docker/replicas.yml): as
// docker-compose.yml has it, a container per service on SQLite; or on
// PostgreSQL, each service a scalable compose service (<svc>-<stack>-r)
// behind its balancer (<svc>-<stack>-lb). The form follows from UpOptions
// (NeedsPostgres) at `up` and is read back from the containers afterwards,
// since every flowctl command is a new process.

// onPostgres says whether mode's stack runs in the PostgreSQL form: its
// order-svc balancer exists.
func (r *Runtime) onPostgres(ctx context.Context, m stackmode.Mode) bool {
	if pg, ok := r.pg[m]; ok {
		return pg
	}
	if r.pg == nil {
		r.pg = map[stackmode.Mode]bool{}
	}
	lb := balancer(m, stack.AllServices()[0])
	out, err := r.compose.Output(ctx, append(profiles(m, true, false), "ps", "-a", "-q", lb)...)
	r.pg[m] = err == nil && strings.TrimSpace(out) != ""
	return r.pg[m]
}

// service is the compose service that runs svc in mode's stack's form.
func (r *Runtime) service(ctx context.Context, m stackmode.Mode, svc string) string {
	if r.onPostgres(ctx, m) {
		return replicaService(m, svc)
	}
	return container(m, svc)
}

// profiles are the compose profiles of mode's stack in its form, with the
// fraud check's when fraud.
func profiles(m stackmode.Mode, pg, fraud bool) []string {
	stackP, fraudP := composeStack(m), fraudProfile(m)
	if pg {
		stackP, fraudP = pgProfile(m), "pg-"+fraudP
	}
	out := []string{"--profile", stackP}
	if fraud {
		out = append(out, "--profile", fraudP)
	}
	return out
}

// formNames are every compose service of mode's stack in one form.
func formNames(m stackmode.Mode, pg bool) []string {
	var names []string
	for _, svc := range stack.AllServices() {
		if pg {
			names = append(names, replicaService(m, svc), balancer(m, svc))
		} else {
			names = append(names, container(m, svc))
		}
	}
	return names
}

// removeForm removes the containers of mode's stack in one form, if any;
// false when there were none.
func (r *Runtime) removeForm(ctx context.Context, m stackmode.Mode, pg bool, w io.Writer) (bool, error) {
	return removeForm(ctx, r.compose, m, pg, w)
}

func removeForm(ctx context.Context, c *Compose, m stackmode.Mode, pg bool, w io.Writer) (bool, error) {
	names := formNames(m, pg)
	p := profiles(m, pg, true)
	out, err := c.Output(ctx, append(append(p, "ps", "-a", "-q"), names...)...)
	if err != nil || strings.TrimSpace(out) == "" {
		return false, nil // compose knows no container of this form
	}
	if err := c.Run(ctx, w, append(append(p, "rm", "-s", "-f"), names...)...); err != nil {
		return false, fmt.Errorf("remove the %s stack's containers: %w", m, err)
	}
	return true, nil
}

// docker is the docker command (a fake one in tests) in compose's
// environment.
func (r *Runtime) docker(ctx context.Context, args ...string) *exec.Cmd {
	bin := r.dockerBin
	if bin == "" {
		bin = "docker"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = r.compose.Env
	return cmd
}

// containerIDs are the containers of one compose service of flowctl's
// project (running ones only when running), as the engine lists them.
func (r *Runtime) containerIDs(ctx context.Context, service string, running bool) ([]string, error) {
	args := []string{"ps", "-q", "--filter", "label=com.docker.compose.project=" + ComposeProject,
		"--filter", "label=com.docker.compose.service=" + service}
	if running {
		args = append(args, "--filter", "status=running")
	} else {
		args = append(args, "-a")
	}
	out, err := r.docker(ctx, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("docker %s: %w", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out)), nil
}
