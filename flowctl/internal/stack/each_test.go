package stack

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// downRuntime stops n things, or fails.
type downRuntime struct {
	fakeRuntime
	n   int
	err error
}

func (d *downRuntime) Down(_ context.Context, _ []stackmode.Mode, _ bool, w io.Writer) (int, error) {
	io.WriteString(w, d.Runtime()+" down\n")
	return d.n, d.err
}

func (d *downRuntime) Logs(_ context.Context, w io.Writer, _ int) (bool, error) {
	return d.n > 0, d.err
}

func TestDownAndLogsAcrossRuntimes(t *testing.T) {
	provider := func(kind RuntimeKind, n int, err error) Provider {
		return rtProvider{&downRuntime{fakeRuntime: fakeRuntime{kind: kind}, n: n, err: err}}
	}
	for _, tt := range []struct {
		name string
		ps   []Provider
		want string
		err  bool
	}{
		{"both stop something", []Provider{provider("docker", 1, nil), provider("native", 2, nil)}, "docker down\nnative down\n", false},
		{"nothing ran", []Provider{provider("docker", 0, nil), provider("native", 0, nil)}, "docker down\nnative down\nnothing of flowctl's was running\n", false},
		{"the first fails: the rest is not tried", []Provider{provider("docker", 0, errors.New("compose")), provider("native", 2, nil)}, "docker down\n", true},
	} {
		var out strings.Builder
		err := (&Stacks{Kind: RuntimeAuto, runtimes: tt.ps}).Down(context.Background(), Modes, true, &out)
		if out.String() != tt.want || (err != nil) != tt.err {
			t.Errorf("%s: %q, %v", tt.name, out.String(), err)
		}
	}
	var out strings.Builder
	if err := (&Stacks{Kind: RuntimeAuto, runtimes: []Provider{provider("native", 0, nil)}}).Logs(context.Background(), &out, 5); err != nil ||
		!strings.HasPrefix(out.String(), "no logs: nothing has run yet") {
		t.Errorf("no logs: %q, %v", out.String(), err)
	}
}

// rtProvider opens one runtime.
type rtProvider struct{ rt *downRuntime }

func (p rtProvider) Kind() RuntimeKind { return p.rt.kind }
func (p rtProvider) Name() string      { return string(p.rt.kind) }
func (p rtProvider) Open(context.Context, *Stacks) (Runtime, error) {
	return p.rt, nil
}
