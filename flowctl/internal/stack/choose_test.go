package stack

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeRuntime is a runtime whose platform answers as a test says.
type fakeRuntime struct {
	Unimplemented
	kind   RuntimeKind
	holds  bool
	usable error
}

func (f *fakeRuntime) Runtime() string              { return string(f.kind) }
func (f *fakeRuntime) Holds(context.Context) bool   { return f.holds }
func (f *fakeRuntime) Usable(context.Context) error { return f.usable }

// fakeProvider opens a fakeRuntime, or fails as an engine that does not answer.
type fakeProvider struct {
	kind    RuntimeKind
	openErr error
	rt      *fakeRuntime
}

func (p fakeProvider) Kind() RuntimeKind { return p.kind }
func (p fakeProvider) Name() string      { return "Engine" }
func (p fakeProvider) Open(context.Context, *Stacks) (Runtime, error) {
	if p.openErr != nil {
		return nil, p.openErr
	}
	return p.rt, nil
}

// TestChoose is the runtime rule as a table: --runtime, whether the engine
// answers, holds containers of flowctl's and has its images, and whether
// the command brings a stack up or acts on a running one.
func TestChoose(t *testing.T) {
	const engine, native RuntimeKind = "docker", "native"
	noEngine := errors.New("the engine does not answer")
	noImage := errors.New("the Engine answers, but image x is not present")
	tests := []struct {
		name    string
		kind    RuntimeKind
		answers bool
		holds   bool
		images  bool
		up      bool
		want    RuntimeKind // "" for an error
		why     string      // part of the reason auto fell back
	}{
		{"native is native", native, true, true, true, true, native, ""},
		{"native attaches natively", native, true, true, true, false, native, ""},
		{"docker without an engine fails to bring up", engine, false, false, false, true, "", ""},
		{"docker without an engine fails to attach", engine, false, false, false, false, "", ""},
		{"docker without images still docker (compose explains)", engine, true, false, false, true, engine, ""},
		{"docker attaches to an empty project", engine, true, false, true, false, engine, ""},
		{"auto, no engine: native", RuntimeAuto, false, false, false, true, native, "no Engine (the engine does not answer)"},
		{"auto, no engine, attach: native", RuntimeAuto, false, false, false, false, native, ""},
		{"auto, images present: docker", RuntimeAuto, true, false, true, true, engine, ""},
		{"auto, images missing: native", RuntimeAuto, true, false, false, true, native, "image x is not present"},
		{"auto, containers run: docker", RuntimeAuto, true, true, true, false, engine, ""},
		{"auto, no containers, attach: native", RuntimeAuto, true, false, true, false, native, ""},
		{"auto, containers run, bring up another: docker", RuntimeAuto, true, true, true, true, engine, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fakeProvider{kind: engine, rt: &fakeRuntime{kind: engine, holds: tt.holds}}
			if !tt.answers {
				d.openErr = noEngine
			}
			if !tt.images {
				d.rt.usable = noImage
			}
			n := fakeProvider{kind: native, rt: &fakeRuntime{kind: native}}
			s := &Stacks{Kind: tt.kind, runtimes: []Provider{d, n}}
			var rt Runtime
			var why string
			var err error
			if tt.up {
				rt, why, err = s.RuntimeToUp(context.Background())
			} else {
				rt, err = s.Runtime(context.Background())
			}
			if tt.want == "" {
				if err == nil {
					t.Fatalf("chose %s, want an error", rt.Runtime())
				}
				if !strings.HasPrefix(err.Error(), "--runtime docker: the engine does not answer") {
					t.Errorf("error %q", err)
				}
				if tt.up != strings.HasSuffix(err.Error(), "; or use --runtime native") {
					t.Errorf("error %q: the hint to use native belongs to bringing up", err)
				}
				return
			}
			if err != nil || rt.Runtime() != string(tt.want) || !strings.Contains(why, tt.why) || (tt.why == "") != (why == "") {
				t.Errorf("got %v, %q, %v; want %s, %q", rt, why, err, tt.want, tt.why)
			}
		})
	}
}

// TestEach: down and logs look at every runtime that answers, and always at
// the fallback's files.
func TestEach(t *testing.T) {
	d := fakeProvider{kind: "docker", rt: &fakeRuntime{kind: "docker"}}
	off := fakeProvider{kind: "docker", openErr: errors.New("no engine")}
	n := fakeProvider{kind: "native", rt: &fakeRuntime{kind: "native"}}
	for _, tt := range []struct {
		kind RuntimeKind
		ps   []Provider
		want string
	}{
		{RuntimeAuto, []Provider{d, n}, "docker native"},
		{RuntimeAuto, []Provider{off, n}, "native"},
		{"docker", []Provider{d, n}, "docker native"},
		{"native", []Provider{d, n}, "native"},
	} {
		var got []string
		for _, rt := range (&Stacks{Kind: tt.kind, runtimes: tt.ps}).Each(context.Background()) {
			got = append(got, rt.Runtime())
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: %v, want %s", tt.kind, got, tt.want)
		}
	}
}

// explicitProvider is a fakeProvider that only its own --runtime picks.
type explicitProvider struct{ fakeProvider }

func (explicitProvider) ExplicitOnly() bool { return true }

// A runtime that is explicit only (a cluster) is never auto's, not even
// when it answers and holds stacks; by name it is chosen.
func TestExplicitOnlyNeverAuto(t *testing.T) {
	off := fakeProvider{kind: "docker", openErr: errors.New("no engine")}
	k := explicitProvider{fakeProvider{kind: "kubernetes", rt: &fakeRuntime{kind: "kubernetes", holds: true}}}
	n := fakeProvider{kind: "native", rt: &fakeRuntime{kind: "native"}}
	ps := []Provider{off, k, n}
	rt, why, err := (&Stacks{Kind: RuntimeAuto, runtimes: ps}).RuntimeToUp(context.Background())
	if err != nil || rt.Runtime() != "native" || why != "no Engine (no engine)" {
		t.Errorf("auto chose %v (%q, %v); want native, its reason naming Docker only", rt, why, err)
	}
	for _, rt := range (&Stacks{Kind: RuntimeAuto, runtimes: ps}).Each(context.Background()) {
		if rt.Runtime() == "kubernetes" {
			t.Error("auto's Each opened the explicit-only runtime")
		}
	}
	if rt, err := (&Stacks{Kind: "kubernetes", runtimes: ps}).Runtime(context.Background()); err != nil || rt.Runtime() != "kubernetes" {
		t.Errorf("--runtime kubernetes chose %v, %v", rt, err)
	}
}
