package docker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Processes finds the main process of each container of mode's stack (and
// of the broker's, in events mode): `compose ps -q` gives the container,
// `docker inspect` its pid on this machine. With an engine on the same
// kernel (Linux, rootful or rootless) that pid's /proc is readable like a
// native one's; Docker Desktop runs containers in a VM, and the note then
// says so.
func (r *Runtime) Processes(_ context.Context, m stackmode.Mode) ([]stack.Process, string) {
	return processes(func(ctx context.Context) ([]stack.Process, error) { return r.containerProcs(ctx, m) })
}

func (r *Runtime) containerProcs(ctx context.Context, mode stackmode.Mode) ([]stack.Process, error) {
	var out []stack.Process
	for _, svc := range stack.Deployed(r.FraudCheck(mode)) {
		procs, err := r.serviceProcs(ctx, mode, svc)
		if err != nil {
			return nil, err
		}
		out = append(out, procs...)
	}
	if mode.Kafka() {
		procs, err := r.procsOf(ctx, "kafka", func(int) string { return "kafka (container)" })
		if err != nil {
			return nil, err
		}
		out = append(out, procs...)
	}
	return out, nil
}

// serviceProcs is svc's container, or on PostgreSQL its balancer and each
// replica (inventory-svc#1…, in the engine's order).
func (r *Runtime) serviceProcs(ctx context.Context, m stackmode.Mode, svc string) ([]stack.Process, error) {
	if !r.onPostgres(ctx, m) {
		return r.procsOf(ctx, container(m, svc), func(int) string { return svc })
	}
	lb, err := r.procsOf(ctx, balancer(m, svc), func(int) string { return svc + " balancer" })
	if err != nil {
		return nil, err
	}
	reps, err := r.procsOf(ctx, replicaService(m, svc), func(i int) string { return stack.ReplicaName(svc, i+1) })
	return append(lb, reps...), err
}

// procsOf are the host PIDs of service's running containers, named by name.
func (r *Runtime) procsOf(ctx context.Context, service string, name func(i int) string) ([]stack.Process, error) {
	ids, err := r.containerIDs(ctx, service, true)
	if err != nil || len(ids) == 0 {
		return nil, fmt.Errorf("no running container for %s", service)
	}
	var out []stack.Process
	for i, id := range ids {
		pid, err := inspectPID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", service, err)
		}
		out = append(out, stack.Process{Name: name(i), PID: pid})
	}
	return out, nil
}

func inspectPID(ctx context.Context, id string) (int, error) {
	b, err := exec.CommandContext(ctx, "docker", "inspect", "--format", "{{.State.Pid}}", id).Output()
	if err != nil {
		return 0, fmt.Errorf("docker inspect %s: %w", id, err)
	}
	return parsePID(string(b))
}

// parsePID reads `docker inspect`'s pid: 0 means the container is not
// running.
func parsePID(s string) (int, error) {
	pid, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("container has no running process (pid %q)", strings.TrimSpace(s))
	}
	return pid, nil
}

// processes lists the containers' processes find returns, or says why it
// cannot: they must be in this machine's /proc to be sampled.
func processes(find func(context.Context) ([]stack.Process, error)) ([]stack.Process, string) {
	if find == nil {
		return nil, "not measured on Docker"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	procs, err := find(ctx)
	if err != nil {
		return nil, "not measured on Docker: " + err.Error()
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/stat", procs[0].PID)); err != nil {
		return nil, "not measured on Docker: the containers' processes are not in this machine's /proc (Docker Desktop runs them in a VM)"
	}
	return procs, ""
}
