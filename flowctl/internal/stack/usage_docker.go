package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/orderflow/platform/config"

	"github.com/orderflow/flowctl/internal/usage"
)

// Usage measures mode's containers through the engine's stats: the three
// services, Kafka (events) with the disk its log dir takes, and Jaeger
// (shared by both modes: KindTracing).
func (c *DockerControl) Usage(ctx context.Context, m config.Mode) ([]usage.Component, error) {
	want := []usage.Component{}
	for _, svc := range Services {
		want = append(want, usage.Component{Name: svc, Kind: usage.KindService, Where: container(m, svc)})
	}
	if m == config.ModeEvents {
		want = append(want, usage.Component{Name: "broker", Kind: usage.KindBroker, Where: "kafka"})
	}
	want = append(want, usage.Component{Name: "jaeger", Kind: usage.KindTracing, Where: "jaeger"})
	eng, err := dockerEngine(ctx, c.getenv)
	if err != nil {
		return nil, err
	}
	out := make([]usage.Component, 0, len(want))
	for _, w := range want {
		comp, err := c.containerUsage(ctx, eng, w)
		if err != nil {
			return nil, err
		}
		if comp.Kind == usage.KindTracing && !comp.Running {
			continue // tracing is not part of either mode
		}
		out = append(out, comp)
	}
	return out, nil
}

// containerUsage measures the compose service w.Where names.
func (c *DockerControl) containerUsage(ctx context.Context, eng *engine, w usage.Component) (usage.Component, error) {
	service := w.Where
	ids, err := c.Compose.Output(ctx, "ps", "-q", service)
	if err != nil {
		return w, fmt.Errorf("docker compose ps %s: %w", service, err)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(ids), "\n")
	if id == "" {
		w.Where = service + ": no container"
		return w, nil
	}
	out, err := exec.CommandContext(ctx, "docker", "inspect", id).Output()
	if err != nil {
		return w, fmt.Errorf("docker inspect %s: %w", service, err)
	}
	in, err := parseInspect(out)
	if err != nil {
		return w, err
	}
	w.Where = fmt.Sprintf("container %s (%s)", strings.TrimPrefix(in.Name, "/"), shortID(in.ID))
	w.Impl = "image " + in.Config.Image
	if w.Kind == usage.KindBroker {
		w.Impl = "Apache Kafka (a JVM) in a container, " + w.Impl
	}
	if !in.State.Running {
		return w, nil
	}
	s, err := eng.stats(ctx, in.ID)
	if err != nil {
		return w, err
	}
	w.Running, w.Measured = true, true
	w.Processes, w.RSSBytes, w.CPUSeconds = s.Processes, s.MemBytes, s.CPU
	if w.Kind == usage.KindBroker {
		dir := in.env("KAFKA_LOG_DIRS")
		if dir == "" {
			return w, fmt.Errorf("%s sets no KAFKA_LOG_DIRS: cannot tell where its log is", service)
		}
		dir, _, _ = strings.Cut(dir, ",")
		// stat over find, not du: du's apparent-size flag is GNU only, and
		// the growth is read from the files' sizes (see usage.LogDir).
		st, err := exec.CommandContext(ctx, "docker", "exec", in.ID, "find", dir, "-type", "f", "-exec", "stat", "-c", "%s %b %B", "{}", "+").Output()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && len(st) > 0) { // a segment removed mid-walk fails find, not the sizes
			return w, fmt.Errorf("docker exec %s find %s -exec stat: %w", service, dir, err)
		}
		w.Log, err = parseStatSizes(st)
		if err != nil {
			return w, err
		}
		w.Log.Path = service + ":" + dir
	}
	return w, nil
}

// inspected is the part of `docker inspect` usage reads.
type inspected struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State struct {
		Running bool `json:"Running"`
	} `json:"State"`
	Config struct {
		Image string   `json:"Image"`
		Env   []string `json:"Env"`
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

// parseInspect reads `docker inspect <one id>` (a JSON array of one).
func parseInspect(b []byte) (inspected, error) {
	var all []inspected
	if err := json.Unmarshal(b, &all); err != nil {
		return inspected{}, fmt.Errorf("docker inspect: %w", err)
	}
	if len(all) != 1 {
		return inspected{}, fmt.Errorf("docker inspect: %d objects, want 1", len(all))
	}
	return all[0], nil
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
		out.Files += n[0]
		out.Allocated += n[1] * n[2]
	}
	return out, nil
}
