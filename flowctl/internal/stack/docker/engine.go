package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"time"
)

// engine reads the Docker Engine API directly: the docker command prints CPU
// as a percentage only, while /containers/{id}/stats gives the cumulative
// CPU time usage needs. It talks to the engine the docker command talks to
// (DOCKER_HOST, else the current context).
type engine struct {
	http *http.Client
	base string
}

// dockerEngine finds the engine's address: host (DOCKER_HOST,
// Stacks.DockerHost), else the current docker context's, else the default
// socket. tlsVerify (DOCKER_TLS_VERIFY set) rules out a plain tcp engine.
func dockerEngine(ctx context.Context, host string, tlsVerify bool) (*engine, error) {
	if host == "" {
		out, err := exec.CommandContext(ctx, "docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}").Output()
		if err == nil {
			host = strings.TrimSpace(string(out))
		}
	}
	if host == "" {
		host = "unix:///var/run/docker.sock"
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, fmt.Errorf("docker host %q: %w", host, err)
	}
	switch {
	case u.Scheme == "unix":
		path := u.Path
		// A new engine per sample: keep-alive connections would outlive it.
		tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		}}
		return &engine{http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, base: "http://docker"}, nil
	case u.Scheme == "tcp" && !tlsVerify:
		return &engine{http: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}, base: "http://" + u.Host}, nil
	}
	return nil, fmt.Errorf("docker host %s: flowctl reads container stats over a unix socket or plain tcp only; run it where the engine's socket is", host)
}

// engineStats is the part of GET /containers/{id}/stats that usage reads.
type engineStats struct {
	CPUStats struct {
		CPUUsage struct {
			TotalUsage uint64 `json:"total_usage"` // ns
		} `json:"cpu_usage"`
	} `json:"cpu_stats"`
	MemoryStats struct {
		Usage int64            `json:"usage"`
		Stats map[string]int64 `json:"stats"`
	} `json:"memory_stats"`
}

// containerStats is one container's numbers.
type containerStats struct {
	MemBytes int64   // usage minus inactive file cache, as `docker stats`
	CPU      float64 // seconds since the container started
}

// parseEngineStats reads one stats answer. Memory is computed the way the
// docker command does: cgroup v1 subtracts total_inactive_file, v2
// inactive_file, so page cache the kernel may drop does not count.
func parseEngineStats(b []byte) (containerStats, error) {
	var s engineStats
	if err := json.Unmarshal(b, &s); err != nil {
		return containerStats{}, fmt.Errorf("container stats: %w", err)
	}
	mem := s.MemoryStats.Usage
	for _, k := range []string{"total_inactive_file", "inactive_file"} {
		if v, ok := s.MemoryStats.Stats[k]; ok {
			if v < mem {
				mem -= v
			}
			break
		}
	}
	return containerStats{MemBytes: mem, CPU: float64(s.CPUStats.CPUUsage.TotalUsage) / 1e9}, nil
}

// stats asks the engine for one container's stats once (one-shot: no wait
// for a second sample, which only the percentage needs).
func (e *engine) stats(ctx context.Context, id string) (containerStats, error) {
	b, err := e.get(ctx, "/containers/"+url.PathEscape(id)+"/stats?stream=false&one-shot=true", "stats of "+shortID(id))
	if err != nil {
		return containerStats{}, err
	}
	return parseEngineStats(b)
}

// top counts a container's processes (`docker top`): the stats' pids count
// threads, which a JVM has by the dozen.
func (e *engine) top(ctx context.Context, id string) (int, error) {
	b, err := e.get(ctx, "/containers/"+url.PathEscape(id)+"/top", "processes of "+shortID(id))
	if err != nil {
		return 0, err
	}
	return parseTop(b)
}

// parseTop reads GET /containers/{id}/top: a row per process.
func parseTop(b []byte) (int, error) {
	var t struct {
		Processes [][]string `json:"Processes"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return 0, fmt.Errorf("container processes: %w", err)
	}
	return len(t.Processes), nil
}

// get reads one engine API answer.
func (e *engine) get(ctx context.Context, path, what string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("docker engine, %s: %w", what, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("docker engine, %s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("docker engine, %s: HTTP %d: %s", what, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return b, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
