package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/flowctl/internal/usage"
)

// Usage measures mode's containers through the engine's stats: the three
// services, Kafka (events) with its log dir, and Jaeger (shared by both
// modes: KindTracing). The containers are found and inspected first, then
// their counters read back to back, so every component's sample is of the
// same moment give or take milliseconds.
func (r *Runtime) Usage(ctx context.Context, m stackmode.Mode) ([]usage.Component, error) {
	eng, err := dockerEngine(ctx, r.s.DockerHost(), r.s.DockerTLSVerify())
	if err != nil {
		return nil, err
	}
	found, err := composeContainers(ctx)
	if err != nil {
		return nil, err
	}
	want := r.serviceComponents(ctx, m, found)
	if m.Kafka() {
		want = append(want, usage.Component{Name: "broker", Kind: usage.KindBroker, Where: "kafka"})
	}
	want = append(want, usage.Component{Name: "jaeger", Kind: usage.KindTracing, Where: "jaeger"})
	out := make([]usage.Component, 0, len(want))
	running := map[string]inspected{}
	for _, w := range want {
		in, ok := found[w.Where]
		switch {
		case !ok:
			w.Where += ": no container"
		default:
			w.Where = fmt.Sprintf("container %s (%s)", strings.TrimPrefix(in.Name, "/"), shortID(in.ID))
			w.Impl = "image " + in.Config.Image
			if w.Kind == usage.KindBroker {
				w.Impl = "Apache Kafka (a JVM) in a container, " + w.Impl
			}
			if in.State.Running {
				running[w.Name] = in
			}
		}
		if w.Kind == usage.KindTracing && !in.State.Running {
			continue // tracing is part of neither mode
		}
		out = append(out, w)
	}
	for i := range out {
		in, ok := running[out[i].Name]
		if !ok {
			continue
		}
		s, err := eng.stats(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		out[i].Running, out[i].Measured = true, true
		out[i].RSSBytes, out[i].CPUSeconds = s.MemBytes, s.CPU
	}
	for i := range out {
		if in, ok := running[out[i].Name]; ok {
			if out[i].Processes, err = eng.top(ctx, in.ID); err != nil {
				return nil, err
			}
		}
	}
	for i := range out {
		if in, ok := running[out[i].Name]; ok && out[i].Kind == usage.KindBroker {
			if out[i].Log, err = kafkaLogDir(ctx, in); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// composeContainers are the compose project's containers, running or not,
// inspected, by compose service. The labels compose v1 and v2 both set say
// which service a container is.
func composeContainers(ctx context.Context) (map[string]inspected, error) {
	ps, err := exec.CommandContext(ctx, "docker", "ps", "-a", "--no-trunc", "--filter", "label=com.docker.compose.project="+ComposeProject,
		"--format", `{{.ID}}	{{.Label "com.docker.compose.service"}}`).Output()
	if err != nil {
		return nil, fmt.Errorf("docker ps (project %s): %w", ComposeProject, err)
	}
	services := parseComposePS(ps)
	if len(services) == 0 {
		return map[string]inspected{}, nil
	}
	ids := make([]string, 0, len(services))
	for id := range services {
		ids = append(ids, id)
	}
	b, err := exec.CommandContext(ctx, "docker", append([]string{"inspect"}, ids...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("docker inspect of project %s's containers: %w", ComposeProject, err)
	}
	all, err := parseInspect(b)
	if err != nil {
		return nil, err
	}
	out := map[string]inspected{}
	for _, in := range all {
		svc := services[in.ID]
		// Two containers of one service (a leftover being replaced): the
		// running one is the one measured.
		if prev, dup := out[svc]; svc == "" || dup && prev.State.Running {
			continue
		}
		out[svc] = in
	}
	// Each replica of a scaled service also by its number: service#2.
	for _, in := range all {
		if n := in.Config.Labels["com.docker.compose.container-number"]; n != "" && in.State.Running {
			out[services[in.ID]+"#"+n] = in
		}
	}
	return out, nil
}

// serviceComponents are mode's services as usage measures them: a
// container each, or on PostgreSQL each service's balancer and each running
// replica (inventory-svc#2, numbered as compose numbers them).
func (r *Runtime) serviceComponents(ctx context.Context, m stackmode.Mode, found map[string]inspected) []usage.Component {
	var want []usage.Component
	for _, svc := range stack.Deployed(r.FraudCheck(m)) {
		if !r.onPostgres(ctx, m) {
			want = append(want, usage.Component{Name: svc, Kind: usage.KindService, Where: container(m, svc)})
			continue
		}
		want = append(want, usage.Component{Name: svc + " balancer", Kind: usage.KindService, Where: balancer(m, svc)})
		for i := 1; i <= stack.MaxReplicas; i++ {
			where := replicaService(m, svc) + "#" + strconv.Itoa(i)
			if _, ok := found[where]; ok {
				want = append(want, usage.Component{Name: stack.ReplicaName(svc, i), Kind: usage.KindService, Where: where})
			}
		}
	}
	return want
}

// parseComposePS reads `docker ps --format '{{.ID}}\t<service label>'`: the
// compose service of each container id.
func parseComposePS(b []byte) map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		id, svc, ok := strings.Cut(strings.TrimSpace(line), "\t")
		if ok && id != "" && svc != "" {
			out[id] = svc
		}
	}
	return out
}

// kafkaLogDir measures the first of the broker's KAFKA_LOG_DIRS inside its
// container.
func kafkaLogDir(ctx context.Context, in inspected) (usage.LogDir, error) {
	name := strings.TrimPrefix(in.Name, "/")
	dir := in.env("KAFKA_LOG_DIRS")
	if dir == "" {
		return usage.LogDir{}, fmt.Errorf("%s sets no KAFKA_LOG_DIRS: cannot tell where its log is", name)
	}
	dir, _, _ = strings.Cut(dir, ",")
	// stat over find, not du: du's apparent-size flag is GNU only, and the
	// growth is read from the files' sizes (see usage.LogDir).
	st, err := exec.CommandContext(ctx, "docker", "exec", in.ID, "find", dir, "-type", "f", "-exec", "stat", "-c", "%s %b %B", "{}", "+").Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && len(st) > 0) { // a segment removed mid-walk fails find, not the sizes
		return usage.LogDir{}, fmt.Errorf("docker exec %s find %s -exec stat: %w", name, dir, err)
	}
	l, err := parseStatSizes(st)
	l.Path = "kafka:" + dir
	return l, err
}

// inspected is the part of `docker inspect` usage and status read.
type inspected struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State struct {
		Running bool   `json:"Running"`
		Status  string `json:"Status"` // running, exited, …
		// Health is the container's health check, nil without one.
		Health *struct {
			Status string `json:"Status"` // starting, healthy, unhealthy
		} `json:"Health"`
	} `json:"State"`
	Config struct {
		Image  string            `json:"Image"`
		Env    []string          `json:"Env"`
		Labels map[string]string `json:"Labels"`
	} `json:"Config"`
}

// env is the container's value of k.
func (i inspected) env(k string) string {
	for _, kv := range i.Config.Env {
		if v, ok := strings.CutPrefix(kv, k+"="); ok {
			return v
		}
	}
	return ""
}

// parseInspect reads `docker inspect <id>…` (a JSON array).
func parseInspect(b []byte) ([]inspected, error) {
	var all []inspected
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("docker inspect: %w", err)
	}
	return all, nil
}

// parseStatSizes reads `stat -c "%s %b %B"` lines: a file's size, its
// allocated blocks and the size of those blocks.
func parseStatSizes(b []byte) (usage.LogDir, error) {
	var out usage.LogDir
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return usage.LogDir{}, fmt.Errorf("stat printed %q, want \"<size> <blocks> <block size>\"", line)
		}
		var n [3]int64
		for i := range f {
			v, err := strconv.ParseInt(f[i], 10, 64)
			if err != nil {
				return usage.LogDir{}, fmt.Errorf("stat printed %q, want \"<size> <blocks> <block size>\"", line)
			}
			n[i] = v
		}
		out.Written += min(n[0], n[1]*n[2])
		out.Allocated += n[1] * n[2]
	}
	return out, nil
}
