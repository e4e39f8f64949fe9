package dashboard

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
)

func TestFlagsCheck(t *testing.T) {
	ok := Flags{Addr: "127.0.0.1:8090", Mode: "both", Size: scenario.Size{Orders: 20, DownFor: 3 * time.Second}}
	if modes, err := ok.Check(); err != nil || len(modes) != 2 {
		t.Errorf("defaults: %v, %v", modes, err)
	}
	for _, c := range []struct {
		change func(*Flags)
		want   string
	}{
		{func(f *Flags) { f.Mode = "all" }, "--mode all"},
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
