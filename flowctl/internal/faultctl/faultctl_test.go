package faultctl

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// fakeAdmin is one service's /admin/faults, remembering what was set.
func fakeAdmin(t *testing.T, token string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var calls []string
	state := api.Faults{Latency: "0s"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/admin/faults" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"type":"about:blank","title":"Unauthorized","status":401}`))
			return
		}
		calls = append(calls, r.Method)
		switch r.Method {
		case http.MethodPut:
			_ = json.NewDecoder(r.Body).Decode(&state)
		case http.MethodDelete:
			state = api.Faults{Latency: "0s"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(state)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestApplySetShowClear(t *testing.T) {
	inv, invCalls := fakeAdmin(t, "tok")
	ord, _ := fakeAdmin(t, "tok")
	c := Controller{Token: "tok", Services: []string{"order-svc", "inventory-svc"},
		URLs: func(stackmode.Mode) map[string]string {
			return map[string]string{"inventory-svc": inv.URL, "order-svc": ord.URL}
		}}
	ctx := context.Background()
	var lines []string
	res, err := c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory"}, Set, api.Faults{Latency: "300ms", ConsumersPaused: true},
		func(m stackmode.Mode, svc string, f api.Faults, _ string) {
			lines = append(lines, string(m)+" "+svc+" "+f.Latency)
		})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[stackmode.Events]["inventory-svc"]; got.Latency != "300ms" || !got.ConsumersPaused || len(lines) != 1 || lines[0] != "events inventory-svc 300ms" {
		t.Fatalf("Set: %+v, lines %v", res, lines)
	}
	res, err = c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory-svc"}, Show, api.Faults{}, nil)
	if err != nil || !res[stackmode.Events]["inventory-svc"].ConsumersPaused {
		t.Fatalf("Show after Set = %+v, %v", res, err)
	}
	if _, err := c.Apply(ctx, []stackmode.Mode{stackmode.Events}, []string{"inventory"}, Clear, api.Faults{}, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(*invCalls, ","); got != "PUT,GET,DELETE" {
		t.Errorf("calls to inventory-svc: %s", got)
	}
}

func TestApplyErrors(t *testing.T) {
	srv, _ := fakeAdmin(t, "right")
	c := Controller{Token: "wrong", Services: []string{"inventory-svc"},
		URLs: func(stackmode.Mode) map[string]string { return map[string]string{"inventory-svc": srv.URL} }}
	ctx := context.Background()
	if _, err := c.Apply(ctx, []stackmode.Mode{stackmode.Sync}, []string{"billing"}, Show, api.Faults{}, nil); err == nil || !strings.Contains(err.Error(), "use one of inventory-svc") {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := c.Apply(ctx, []stackmode.Mode{stackmode.Sync}, []string{"inventory"}, Show, api.Faults{}, nil); err == nil || !strings.Contains(err.Error(), "refused the admin token") {
		t.Errorf("wrong token: %v", err)
	}
	c.URLs = func(stackmode.Mode) map[string]string {
		return map[string]string{"inventory-svc": "http://127.0.0.1:1"}
	}
	_, err := c.Apply(ctx, []stackmode.Mode{stackmode.Sync}, []string{"inventory"}, Show, api.Faults{}, nil)
	if ue, ok := errors.AsType[*UnreachableError](err); !ok || ue.Mode != stackmode.Sync || !strings.Contains(ue.What, "inventory-svc at http://127.0.0.1:1") {
		t.Errorf("service down: %v, want an UnreachableError naming it", err)
	}
}
