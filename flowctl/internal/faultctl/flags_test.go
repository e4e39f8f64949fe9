package faultctl

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

func TestSetFlagsFaults(t *testing.T) {
	for _, c := range []struct {
		svc  string
		f    SetFlags
		want string // part of the error; "" for none
	}{
		{"inventory", SetFlags{Latency: 300 * time.Millisecond, ErrorRate: 0.2}, ""},
		{"inventory", SetFlags{ErrorRate: 1.5}, "--error-rate 1.5: use a share from 0 to 1"},
		{"order", SetFlags{Crash: -1}, "--crash-after-commit -1"},
		{"inventory", SetFlags{Crash: 1}, "only order-svc has a crash point"},
		{"order-svc", SetFlags{Crash: 1}, ""},
		{"invoicing", SetFlags{DeclineRate: 0.5}, ""},
		{"invoicing-svc", SetFlags{DeclineRate: 1}, ""},
		{"invoicing", SetFlags{DeclineRate: 1.5}, "--decline-rate 1.5: use a share from 0 to 1"},
		{"invoicing", SetFlags{DeclineRate: -0.1}, "--decline-rate -0.1: use a share from 0 to 1"},
		{"invoicing", SetFlags{DeclineRate: math.NaN()}, "--decline-rate NaN: use a share from 0 to 1"},
		{"inventory", SetFlags{DeclineRate: 0.5}, "only invoicing-svc charges customers"},
		{"order-svc", SetFlags{DeclineRate: 0.5}, "use `flowctl fault set invoicing --decline-rate 0.5`"},
	} {
		got, err := c.f.Faults(c.svc)
		if c.want == "" && (err != nil || got.Latency != c.f.Latency.String() || got.CrashAfterCommit != c.f.Crash || got.DeclineRate != c.f.DeclineRate) {
			t.Errorf("%s %+v: %+v, %v", c.svc, c.f, got, err)
		}
		if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s %+v: error %v, want %q", c.svc, c.f, err, c.want)
		}
	}
}

func TestModes(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer up.Close()
	urls := func(m stackmode.Mode) map[string]string {
		if m == stackmode.Events {
			return map[string]string{"order-svc": up.URL}
		}
		return map[string]string{"order-svc": "http://127.0.0.1:1"}
	}
	ctx := context.Background()
	if got, err := Modes(ctx, "", urls); err != nil || len(got) != 1 || got[0] != stackmode.Events {
		t.Errorf("every stack that answers = %v, %v; want events", got, err)
	}
	if got, err := Modes(ctx, "sync", urls); err != nil || len(got) != 1 || got[0] != stackmode.Sync {
		t.Errorf("--mode sync = %v, %v", got, err)
	}
	none := func(stackmode.Mode) map[string]string { return map[string]string{"order-svc": "http://127.0.0.1:1"} }
	if _, err := Modes(ctx, "", none); err == nil || !strings.Contains(err.Error(), "no stack answers") {
		t.Errorf("no stack = %v", err)
	}
}

func TestLinesShowTheDeclineRate(t *testing.T) {
	f := api.Faults{Latency: "0s", DeclineRate: 0.25}
	for name, line := range map[string]string{
		"set":  SetLine(stackmode.Events, "invoicing-svc", f),
		"show": ShowLine(stackmode.Events, "invoicing-svc", f),
	} {
		if !strings.HasSuffix(line, "decline rate 0.25") {
			t.Errorf("%s line %q does not end with the decline rate", name, line)
		}
	}
	if got := ShowLine(stackmode.Sync, "inventory-svc", api.Faults{Latency: "0s", ErrorRate: 1}); !strings.HasPrefix(got, "sync   inventory-svc  latency 0s     error rate 1") {
		t.Errorf("show line %q: the columns before the decline rate moved", got)
	}
}
