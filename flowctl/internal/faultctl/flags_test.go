package faultctl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
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
	} {
		got, err := c.f.Faults(c.svc)
		if c.want == "" && (err != nil || got.Latency != c.f.Latency.String() || got.CrashAfterCommit != c.f.Crash) {
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
	urls := func(m config.Mode) map[string]string {
		if m == config.ModeEvents {
			return map[string]string{"order-svc": up.URL}
		}
		return map[string]string{"order-svc": "http://127.0.0.1:1"}
	}
	ctx := context.Background()
	if got, err := Modes(ctx, "", urls); err != nil || len(got) != 1 || got[0] != config.ModeEvents {
		t.Errorf("every stack that answers = %v, %v; want events", got, err)
	}
	if got, err := Modes(ctx, "sync", urls); err != nil || len(got) != 1 || got[0] != config.ModeSync {
		t.Errorf("--mode sync = %v, %v", got, err)
	}
	none := func(config.Mode) map[string]string { return map[string]string{"order-svc": "http://127.0.0.1:1"} }
	if _, err := Modes(ctx, "", none); err == nil || !strings.Contains(err.Error(), "no stack answers") {
		t.Errorf("no stack = %v", err)
	}
}
