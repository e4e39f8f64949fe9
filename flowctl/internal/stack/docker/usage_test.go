package docker

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures: top-kafka.json is GET /containers/{id}/top of this engine's
// Kafka container (one java process, dozens of threads) with the
// docker-init row the service containers (compose's init: true) add;
// stats-cgroup1.json is the engine's one-shot answer for a
// container on this machine's engine (20.10, cgroup v1); stats-cgroup2.json
// has the shape of a cgroup v2 engine's (anon, file, inactive_file, no
// total_*). inspect-kafka.json is `docker inspect` of an orderflow/kafka
// container, cut to the fields around the ones read, with the KAFKA_LOG_DIRS
// compose sets.
func TestParseEngineStats(t *testing.T) {
	for _, c := range []struct {
		file string
		mem  int64
		cpu  float64
	}{
		{"stats-cgroup1.json", 1601536 - 700416, 0.034391891},
		{"stats-cgroup2.json", 52428800 - 6291456, 2.75},
	} {
		b, err := os.ReadFile(filepath.Join("testdata/usage", c.file))
		if err != nil {
			t.Fatal(err)
		}
		s, err := parseEngineStats(b)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if s.MemBytes != c.mem || s.CPU != c.cpu {
			t.Errorf("%s: %+v, want %d bytes (usage minus inactive file), %g s", c.file, s, c.mem, c.cpu)
		}
	}
	// Inactive file cache above usage (a racing sample) is not subtracted.
	s, err := parseEngineStats([]byte(`{"memory_stats":{"usage":100,"stats":{"inactive_file":500}}}`))
	if err != nil || s.MemBytes != 100 {
		t.Errorf("inactive_file > usage: %+v, %v", s, err)
	}
	if _, err := parseEngineStats([]byte(`not json`)); err == nil {
		t.Error("parseEngineStats(not json): no error")
	}
}

func TestParseInspect(t *testing.T) {
	b, err := os.ReadFile("testdata/usage/inspect-kafka.json")
	if err != nil {
		t.Fatal(err)
	}
	all, err := parseInspect(b)
	if err != nil || len(all) != 1 {
		t.Fatalf("%d containers, %v", len(all), err)
	}
	in := all[0]
	if !in.State.Running || in.Name != "/orderflow_kafka_1" || in.Config.Image != "orderflow/kafka:4.1.1" || !strings.HasPrefix(in.ID, "8fb1094beec6") {
		t.Errorf("parsed %+v", in)
	}
	if got := in.env("KAFKA_LOG_DIRS"); got != "/var/lib/kafka/data" {
		t.Errorf("KAFKA_LOG_DIRS = %q", got)
	}
	if got := in.env("KAFKA_LOG"); got != "" {
		t.Errorf("a prefix of a name matched: %q", got)
	}
	if _, err := parseInspect([]byte(`Error: No such object`)); err == nil {
		t.Error("inspect's error text: no error")
	}
}

// TestParseComposePS reads `docker ps -a --no-trunc --format '{{.ID}}\t{{.Label
// "com.docker.compose.service"}}'` of a project (one container without the
// label, as a hand-started one would be).
func TestParseComposePS(t *testing.T) {
	got := parseComposePS([]byte("8fb1094beec6283116\tkafka\n3f1c0a1b2c3d\torder-svc-sync\nabcdef\t\n\n"))
	if len(got) != 2 || got["8fb1094beec6283116"] != "kafka" || got["3f1c0a1b2c3d"] != "order-svc-sync" {
		t.Errorf("parseComposePS = %v", got)
	}
}

// TestParseStatSizes reads what `find <log dir> -type f -exec stat -c
// "%s %b %B" {} +` printed in an orderflow/kafka container: a 5000-byte
// file and a 10 MiB sparse one.
func TestParseStatSizes(t *testing.T) {
	got, err := parseStatSizes([]byte("5000 16 512\n10485760 0 512\n"))
	if err != nil || got.Written != 5000 || got.Allocated != 16*512 {
		t.Errorf("parseStatSizes = %+v, %v", got, err)
	}
	if got, err := parseStatSizes([]byte("")); err != nil || got.Written != 0 {
		t.Errorf("an empty log dir: %+v, %v", got, err)
	}
	for _, bad := range []string{"stat: cannot stat 'x': No such file or directory\n", "12 x 512\n"} {
		if _, err := parseStatSizes([]byte(bad)); err == nil {
			t.Errorf("parseStatSizes(%q): no error", bad)
		}
	}
}

// TestEngineStatsOverUnixSocket: DOCKER_HOST=unix://… reaches the engine
// API on that socket (a fake one here), one-shot, and its answer is parsed.
func TestEngineStatsOverUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("testdata/usage/stats-cgroup2.json")
	if err != nil {
		t.Fatal(err)
	}
	top, err := os.ReadFile("testdata/usage/top-kafka.json")
	if err != nil {
		t.Fatal(err)
	}
	var asked string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/containers/abc/stats":
			asked = r.URL.String()
			w.Write(body)
		case "/containers/abc/top":
			w.Write(top)
		default:
			http.Error(w, `{"message":"No such container: x"}`, http.StatusNotFound)
		}
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	eng, err := dockerEngine(context.Background(), "unix://"+sock, false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := eng.stats(context.Background(), "abc")
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU != 2.75 || !strings.Contains(asked, "stream=false") || !strings.Contains(asked, "one-shot=true") {
		t.Errorf("stats = %+v after asking %s", s, asked)
	}
	if n, err := eng.top(context.Background(), "abc"); err != nil || n != 2 {
		t.Errorf("top = %d processes, %v; want docker-init and java", n, err)
	}
	if _, err := eng.stats(context.Background(), "gone"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a missing container: %v", err)
	}
}

func TestDockerEngineHosts(t *testing.T) {
	e, err := dockerEngine(context.Background(), "tcp://127.0.0.1:2375", false)
	if err != nil || e.base != "http://127.0.0.1:2375" {
		t.Errorf("tcp host: %+v, %v", e, err)
	}
	if _, err := dockerEngine(context.Background(), "tcp://10.0.0.1:2376", true); err == nil {
		t.Error("a TLS engine: no error, but flowctl cannot authenticate to it")
	}
	if _, err := dockerEngine(context.Background(), "ssh://me@host", false); err == nil {
		t.Error("an ssh engine: no error")
	}
}
