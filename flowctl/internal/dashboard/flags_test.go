package dashboard

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/topology"
)

func TestFlagsCheck(t *testing.T) {
	ok := Flags{Addr: "127.0.0.1:8090", Mode: "both", Size: scenario.Size{Orders: 20, DownFor: 3 * time.Second}}
	if modes, err := ok.Check(); err != nil || len(modes) != 2 {
		t.Errorf("--mode both: %v, %v", modes, err)
	}
	all := ok
	all.Mode = "all"
	if modes, err := all.Check(); err != nil || !slices.Equal(modes, stackmode.All) {
		t.Errorf("--mode all: %v, %v; want the three stacks", modes, err)
	}
	none := ok
	none.Mode = ""
	if modes, err := none.Check(); err != nil || modes != nil {
		t.Errorf("no --mode: %v, %v; want none, for Shown to pick", modes, err)
	}
	for _, c := range []struct {
		change func(*Flags)
		want   string
	}{
		{func(f *Flags) { f.Mode = "three" }, "--mode three"},
		{func(f *Flags) { f.Size.Orders = 0 }, "--orders 0: use 1 to 1000"},
		{func(f *Flags) { f.Size.DownFor = time.Hour }, "--down-for 1h0m0s: use 500ms to 1m"},
		{func(f *Flags) { f.Addr = "0.0.0.0:8090" }, ""},
	} {
		f := ok
		c.change(&f)
		if _, err := f.Check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error saying %q", f, err, c.want)
		}
	}
}

// TestShown: without --mode the dashboard shows the stacks whose order-svc
// answers, all three when none does; --mode's stacks always.
func TestShown(t *testing.T) {
	urls := func(m stackmode.Mode) map[string]string {
		return map[string]string{topology.OrderSvc: "http://" + string(m), topology.InventorySvc: "http://inventory." + string(m)}
	}
	for _, c := range []struct {
		name    string
		given   []stackmode.Mode
		answers []string
		want    []stackmode.Mode
	}{
		{"three up", nil, []string{"sync", "events", "events-orchestration"}, stackmode.All},
		{"two up", nil, []string{"sync", "events-orchestration"}, []stackmode.Mode{stackmode.Sync, stackmode.Orchestration}},
		{"one up", nil, []string{"events"}, []stackmode.Mode{stackmode.Events}},
		{"none up", nil, nil, stackmode.All},
		{"--mode wins", []stackmode.Mode{stackmode.Sync}, []string{"events"}, []stackmode.Mode{stackmode.Sync}},
	} {
		var asked []string
		answers := func(_ context.Context, url string) bool {
			asked = append(asked, url)
			host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/healthz")
			return slices.Contains(c.answers, host)
		}
		got := Shown(context.Background(), c.given, answers, urls)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v (asked %v)", c.name, got, c.want, asked)
		}
		for _, u := range asked {
			if !strings.HasSuffix(u, "/healthz") || strings.Contains(u, "inventory") {
				t.Errorf("%s: asked %s, want only order-svc's /healthz", c.name, u)
			}
		}
	}
}

func TestDetachArgsWithoutMode(t *testing.T) {
	f := Flags{Addr: "127.0.0.1:9", Size: scenario.Size{Orders: 5, DownFor: time.Second}}
	got := f.DetachArgs(&stack.Stacks{PortBase: 18080, BrokerPort: 19092}, stack.Layout{RunDir: "/r/.run"}, "")
	if slices.Contains(got, "--mode") {
		t.Errorf("args %v: no --mode given, so none passed on (the background dashboard picks the stacks that run)", got)
	}
}

func TestDetachArgs(t *testing.T) {
	f := Flags{Addr: "127.0.0.1:9", Mode: "events", Public: true, Size: scenario.Size{Orders: 5, DownFor: time.Second}}
	s := &stack.Stacks{PortBase: 18080, BrokerPort: 19092}
	got := f.DetachArgs(s, stack.Layout{RunDir: "/r/.run"}, "native")
	want := []string{"dashboard", "--addr", "127.0.0.1:9", "--mode", "events", "--orders", "5", "--down-for", "1s",
		"--run-dir", "/r/.run", "--port-base", "18080", "--broker-port", "19092", "--runtime", "native", "--public"}
	if !slices.Equal(got, want) {
		t.Errorf("args\n%v\nwant\n%v", got, want)
	}
}
