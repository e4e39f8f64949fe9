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
	services := map[string]string{}
	var names []string
	for _, svc := range stack.Deployed(r.FraudCheck(mode)) {
		services[svc] = r.service(ctx, mode, svc)
		names = append(names, svc)
	}
	if mode.Kafka() {
		services["kafka (container)"] = "kafka"
		names = append(names, "kafka (container)")
	}
	var out []stack.Process
	for _, name := range names {
		id, err := r.compose.Output(ctx, "ps", "-q", services[name])
		if err != nil || strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("no running container for %s", services[name])
		}
		pid, err := inspectPID(ctx, strings.Fields(id)[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", services[name], err)
		}
		out = append(out, stack.Process{Name: name, PID: pid})
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
