package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stack/native"
)

// The real docker-compose.yml: the profiles run the images the check asks for.
func TestNeededImagesReadsTheComposeFile(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	needs, err := NeededImages(root, "all", []string{"JAEGER_IMAGE=mirror/jaeger:1", "ORDERFLOW_TAG=t"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ImageNeed{}
	for _, n := range needs {
		got[n.Service] = n
	}
	if got["jaeger"].Ref != "mirror/jaeger:1" || len(got["jaeger"].Bases) != 0 {
		t.Errorf("jaeger = %+v, want the JAEGER_IMAGE override and no build", got["jaeger"])
	}
	if got["kafka"].Ref != "apache/kafka:4.1.1" {
		t.Errorf("kafka = %+v, want the default apache/kafka:4.1.1", got["kafka"])
	}
	o := got["order-svc-events"]
	if o.Ref != "orderflow/order-svc:t" || !slices.Equal(o.Bases, []string{"golang:1.26", "gcr.io/distroless/static-debian12:nonroot"}) {
		t.Errorf("order-svc-events = %+v, want orderflow/order-svc:t built on golang:1.26 and distroless", o)
	}
	if _, ok := got["kafka-1"]; ok {
		t.Error("the cluster's brokers are not in profile all")
	}
	sync, err := NeededImages(root, "sync", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range sync {
		if n.Service == "kafka" || strings.HasSuffix(n.Service, "-events") {
			t.Errorf("profile sync runs %s", n.Service)
		}
	}
}

func TestInterpolate(t *testing.T) {
	look := envLookup([]string{"A=x", "EMPTY="})
	for in, want := range map[string]string{
		"${A:-d}": "x", "${B:-d}": "d", "${EMPTY:-d}": "d", "${EMPTY-d}": "d", "p/${A}:${B:-1.0}": "p/x:1.0", "plain:1": "plain:1",
	} {
		if got := interpolate(in, look); got != want {
			t.Errorf("interpolate(%q) = %q, want %q", in, got, want)
		}
	}
}

// fakeEngine answers from a set of present images and a pull answer per ref.
type fakeEngine struct {
	present map[string]bool
	pull    map[string]error // absent from the map: pullable
	pulled  []string
}

func (f *fakeEngine) Missing(_ context.Context, refs []string) ([]string, error) {
	var m []string
	for _, r := range refs {
		if !f.present[r] {
			m = append(m, r)
		}
	}
	return m, nil
}

func (f *fakeEngine) Pullable(_ context.Context, ref string) error {
	f.pulled = append(f.pulled, ref)
	return f.pull[ref]
}

func TestImagesUsable(t *testing.T) {
	needs := []ImageNeed{
		{Service: "jaeger", Ref: "jaeger:2"},
		{Service: "order-svc", Ref: "orderflow/order-svc:dev", Bases: []string{"golang:1.26", "distroless"}},
		{Service: "inventory-svc", Ref: "orderflow/inventory-svc:dev", Bases: []string{"golang:1.26", "distroless"}},
	}
	refused := errors.New("pull access denied")
	all := map[string]bool{"jaeger:2": true, "orderflow/order-svc:dev": true, "orderflow/inventory-svc:dev": true}
	cases := []struct {
		name    string
		e       *fakeEngine
		wantErr string // empty: usable
		pulls   int
	}{
		{"all present: no pull", &fakeEngine{present: all}, "", 0},
		{"no image, registry refuses", &fakeEngine{pull: map[string]error{"jaeger:2": refused}}, "image jaeger:2 (jaeger) is not present and cannot be pulled: pull access denied", 1},
		{"no image, registry serves", &fakeEngine{}, "", 3},
		{"service image absent, bases present: compose builds it",
			&fakeEngine{present: map[string]bool{"jaeger:2": true, "golang:1.26": true, "distroless": true}, pull: map[string]error{"orderflow/order-svc:dev": refused}}, "", 0},
		{"service image absent, a base neither present nor pullable",
			&fakeEngine{present: map[string]bool{"jaeger:2": true, "golang:1.26": true}, pull: map[string]error{"distroless": refused}},
			"image orderflow/order-svc:dev (order-svc) is not present, and its base image distroless is neither present nor pullable: pull access denied", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ImagesUsable(context.Background(), c.e, needs)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || err.Error() != c.wantErr) {
				t.Fatalf("ImagesUsable = %v, want %q", err, c.wantErr)
			}
			if len(c.e.pulled) != c.pulls {
				t.Errorf("pull attempts %v, want %d (each ref at most once)", c.e.pulled, c.pulls)
			}
		})
	}
}

// fakeDocker puts a `docker` on PATH that answers like an engine with no
// images and the given pull behaviour: "refuse" (the registry cannot be
// reached), "hang" (packets dropped) or "serve" (the registry answers).
func fakeDocker(t *testing.T, present, pull string) {
	t.Helper()
	dir := t.TempDir()
	script := `#!/bin/sh
case "$1 $2" in
"version "*) echo 28.2.2 ;;
"compose version") echo "Docker Compose version v2.40.3" ;;
"image inspect")
  shift 4; rc=0
  for ref in "$@"; do
    case " ` + present + ` " in *" $ref "*) echo sha256:1 ;; *) echo "Error: No such image: $ref" >&2; rc=1 ;; esac
  done
  exit $rc ;;
"pull "*)
  case "` + pull + `" in
  refuse) echo "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host" >&2; exit 1 ;;
  hang) exec sleep 60 ;;
  serve) echo "2.13.0: Pulling from jaegertracing/jaeger"; exec sleep 60 ;;
  esac ;;
*) echo "fake docker: $*" >&2; exit 2 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestCLIAgainstAFakeEngine(t *testing.T) {
	ctx := context.Background()
	fakeDocker(t, "a:1 b:2", "refuse")
	missing, err := CLI{}.Missing(ctx, []string{"a:1", "c:3", "b:2", "d:4"})
	if err != nil || !slices.Equal(missing, []string{"c:3", "d:4"}) {
		t.Fatalf("Missing = %v, %v; want [c:3 d:4]", missing, err)
	}
	if err := (CLI{}).Pullable(ctx, "c:3"); err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Errorf("Pullable with the registry unreachable = %v, want the engine's error", err)
	}

	fakeDocker(t, "", "hang")
	start := time.Now()
	err = CLI{PullTimeout: 300 * time.Millisecond}.Pullable(ctx, "c:3")
	if err == nil || !strings.Contains(err.Error(), "no answer from a registry within 300ms") {
		t.Errorf("Pullable with packets dropped = %v, want the bounded timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a hanging pull took %s to give up", d)
	}

	fakeDocker(t, "", "serve")
	if err := (CLI{}).Pullable(ctx, "c:3"); err != nil {
		t.Errorf("Pullable with a registry answering = %v, want nil", err)
	}
}

// TestChooseCompose: the one rule (stack.choose) with the Docker runtime and
// a fake engine, as `flowctl up` asks it.
func TestChooseCompose(t *testing.T) {
	ctx := context.Background()
	// The real compose file in a root of its own: the repository's
	// .run/images.env (from make images-offline) would change the names.
	root := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"docker-compose.yml": b, "go.work": []byte("go 1.26\n")} {
		if err := os.WriteFile(filepath.Join(root, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(string) string { return "" }
	// toUp is the runtime `flowctl up --runtime kind` brings a stack up in.
	toUp := func(kind string) (*Compose, string, error) {
		s, err := stack.New(stack.Flags{Dir: root, PortBase: topology.DefaultPortBase, BrokerPort: stack.DefaultBrokerPort, Runtime: kind},
			getenv, []stack.Provider{Provider{}, native.Provider{}})
		if err != nil {
			t.Fatal(err)
		}
		rt, why, err := s.RuntimeToUp(ctx)
		if d, ok := stack.Unwrap(rt).(*Runtime); ok {
			return d.Compose(), why, err
		}
		return nil, why, err
	}

	fakeDocker(t, "", "refuse") // an engine, no images, no registry
	c, why, err := toUp("auto")
	if err != nil || c != nil {
		t.Fatalf("auto without images = %v, %v; want native", c, err)
	}
	for _, want := range []string{"is not present", "no such host", "make images-offline", "RUNTIME=docker"} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q does not say %q", why, want)
		}
	}
	if strings.Contains(why, "\n") {
		t.Errorf("reason is more than one line: %q", why)
	}
	if c, why, err := toUp("docker"); err != nil || c == nil || why != "" {
		t.Errorf("RUNTIME=docker without images = %v, %q, %v; want compose (it fails later with its hint)", c, why, err)
	}
	if c, why, err := toUp("native"); err != nil || c != nil || why != "" {
		t.Errorf("RUNTIME=native = %v, %q, %v; want native and no reason", c, why, err)
	}

	c, err = FindCompose(ctx, root, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	needs, err := NeededImages(root, "all", c.Env) // as compose will resolve them
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, n := range needs {
		refs = append(refs, n.Ref)
	}
	fakeDocker(t, strings.Join(refs, " "), "refuse") // every image present
	if c, why, err := toUp("auto"); err != nil || c == nil {
		t.Errorf("auto with every image present = %v, %q, %v; want Docker", c, why, err)
	}

	t.Setenv("PATH", t.TempDir()) // no docker command at all
	if c, why, err := toUp("auto"); err != nil || c != nil || !strings.Contains(why, "no Docker") {
		t.Errorf("auto without docker = %v, %q, %v; want native, no Docker", c, why, err)
	}
	if _, _, err := toUp("docker"); err == nil {
		t.Error("RUNTIME=docker without docker: no error")
	}
}
