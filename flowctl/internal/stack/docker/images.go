package docker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ImageNeed is one image a compose profile runs. A service that compose can
// build (a `build:` section) needs its base images instead when the image
// itself is absent.
type ImageNeed struct {
	Service string
	Ref     string
	Bases   []string // build base images (GO_IMAGE, RUNTIME_IMAGE); empty when compose cannot build it
}

// composeFile is the part of docker-compose.yml the image check reads.
type composeFile struct {
	Services map[string]struct {
		Image    string   `yaml:"image"`
		Profiles []string `yaml:"profiles"`
		Build    *struct {
			Args map[string]string `yaml:"args"`
		} `yaml:"build"`
	} `yaml:"services"`
}

// NeededImages lists the images `compose --profile <profile> up` would run,
// read from root's docker-compose.yml with ${VAR:-default} resolved from env
// (KEY=VALUE pairs, later ones win, as the compose process sees them). It
// reads the file instead of asking `compose config`, which costs a Python or
// plugin start-up on every `make demo-*`.
func NeededImages(root, profile string, env []string) ([]ImageNeed, error) {
	path := filepath.Join(root, "docker-compose.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f composeFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lookup := envLookup(env)
	var needs []ImageNeed
	for _, name := range slices.Sorted(mapKeys(f.Services)) {
		s := f.Services[name]
		if len(s.Profiles) > 0 && !slices.Contains(s.Profiles, profile) {
			continue
		}
		n := ImageNeed{Service: name, Ref: interpolate(s.Image, lookup)}
		if s.Build != nil {
			for _, k := range slices.Sorted(mapKeys(s.Build.Args)) {
				if strings.HasSuffix(k, "_IMAGE") {
					n.Bases = append(n.Bases, interpolate(s.Build.Args[k], lookup))
				}
			}
		}
		if n.Ref != "" {
			needs = append(needs, n)
		}
	}
	if len(needs) == 0 {
		return nil, fmt.Errorf("%s: no service runs in profile %q", path, profile)
	}
	return needs, nil
}

func mapKeys[M ~map[string]V, V any](m M) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func envLookup(env []string) func(string) string {
	m := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

// composeVar is compose's ${VAR}, ${VAR:-default} and ${VAR-default}.
var composeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}`)

func interpolate(s string, lookup func(string) string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		p := composeVar.FindStringSubmatch(m)
		v := lookup(p[1])
		if v == "" && p[2] != "" {
			return p[3]
		}
		return v
	})
}

// Engine answers the two questions the image check asks a Docker engine.
type Engine interface {
	// Missing returns the refs that are not present locally.
	Missing(ctx context.Context, refs []string) ([]string, error)
	// Pullable says whether a registry serves ref (nil) or why not; it must
	// return within a few seconds even when the network swallows packets.
	Pullable(ctx context.Context, ref string) error
}

// ImagesUsable returns nil when every needed image is present, pullable, or
// (for a service image) buildable from present or pullable base images.
// Otherwise it names the first image that is none of these and why. When all
// images are present it costs the engine one listing.
func ImagesUsable(ctx context.Context, e Engine, needs []ImageNeed) error {
	var refs []string
	for _, n := range needs {
		refs = append(refs, n.Ref)
		refs = append(refs, n.Bases...)
	}
	refs = slices.Compact(slices.Sorted(slices.Values(refs)))
	missing, err := e.Missing(ctx, refs)
	if err != nil {
		return err
	}
	absent := func(ref string) bool { return slices.Contains(missing, ref) }
	pullErr := map[string]error{} // each ref is tried once
	usable := func(ref string) error {
		if !absent(ref) {
			return nil
		}
		if err, done := pullErr[ref]; done {
			return err
		}
		err := e.Pullable(ctx, ref)
		pullErr[ref] = err
		return err
	}
	for _, n := range needs {
		if len(n.Bases) == 0 {
			if err := usable(n.Ref); err != nil {
				return fmt.Errorf("image %s (%s) is not present and cannot be pulled: %v", n.Ref, n.Service, err)
			}
			continue
		}
		// An image compose can build is built, not pulled, when absent.
		if !absent(n.Ref) {
			continue
		}
		for _, b := range n.Bases {
			if berr := usable(b); berr != nil {
				return fmt.Errorf("image %s (%s) is not present, and its base image %s is neither present nor pullable: %v", n.Ref, n.Service, b, berr)
			}
		}
	}
	return nil
}

// ImagesUsable checks the images compose needs for profile (see ImagesUsable).
func (c *Compose) ImagesUsable(ctx context.Context, e Engine, profile string) error {
	needs, err := NeededImages(c.Root, profile, c.Env)
	if err != nil {
		return err
	}
	return ImagesUsable(ctx, e, needs)
}
