package dashboard

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// The admin token reaches the services and nothing else: no page asset, no
// API answer, no problem and no event carries it.
func TestTokenNeverInAnyResponse(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	events := stream(t, hs.URL)
	var seen []string
	get := func(path string) {
		status, _, body := call(t, http.MethodGet, hs.URL+path, nil)
		if status >= 500 {
			t.Errorf("GET %s = %d: %s", path, status, body)
		}
		seen = append(seen, path+": "+string(body))
	}
	for _, p := range []string{"/", "/app.js", "/controls.js", "/trace.js", "/style.css", "/api/state", "/api/scenarios",
		"/api/stacks/sync", "/api/stacks/events", "/api/figures/events", "/api/orders/sync", "/report/latest"} {
		get(p)
	}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"PUT", "/api/stacks/sync/faults/inventory", map[string]any{"latency_ms": 300}},
		{"POST", "/api/stacks/events/faults/inventory/pause", nil},
		{"DELETE", "/api/stacks/events/faults", nil},
		{"POST", "/api/orders", map[string]any{"mode": "both"}},
		{"POST", "/api/stacks/sync/inventory/stop", nil}, // no runtime control here: a problem
	} {
		_, _, body := call(t, c.method, hs.URL+c.path, c.body)
		seen = append(seen, c.method+" "+c.path+": "+string(body))
	}
	// A stack started with another token: the service's refusal is passed on
	// without the token the dashboard sent.
	fakes[stackmode.Sync].setToken("another-token")
	_, _, body := call(t, "PUT", hs.URL+"/api/stacks/sync/faults/invoicing", map[string]any{"error_rate": 0.5})
	seen = append(seen, "refused: "+string(body))
	if !strings.Contains(string(body), "refused the admin token") {
		t.Errorf("refusal not explained: %s", body)
	}
	deadline := time.After(500 * time.Millisecond)
	for done := false; !done; {
		select {
		case ev := <-events:
			seen = append(seen, "event "+ev.Name+": "+ev.Data)
		case <-deadline:
			done = true
		}
	}
	for _, s := range seen {
		if strings.Contains(s, testToken) {
			t.Errorf("the token leaked: %.300s", s)
		}
	}
	if len(seen) < 20 {
		t.Fatalf("only %d answers and events looked at", len(seen))
	}
}

// A fault set on the page reaches the service with the token, and pausing
// consumers keeps the latency already set.
func TestFaultProxyReachesService(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	status, _, body := call(t, "PUT", hs.URL+"/api/stacks/events/faults/inventory-svc", map[string]any{"latency_ms": 300, "error_rate": 0.25})
	if status != http.StatusOK {
		t.Fatalf("PUT faults = %d: %s", status, body)
	}
	if status, _, body = call(t, "POST", hs.URL+"/api/stacks/events/faults/inventory/pause", nil); status != http.StatusOK {
		t.Fatalf("pause = %d: %s", status, body)
	}
	var got struct {
		Faults struct {
			Latency         string  `json:"latency"`
			ErrorRate       float64 `json:"error_rate"`
			ConsumersPaused bool    `json:"consumers_paused"`
		} `json:"faults"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.Faults.Latency != "300ms" || got.Faults.ErrorRate != 0.25 || !got.Faults.ConsumersPaused {
		t.Fatalf("after pause: %s (%v)", body, err)
	}
	_, admin := fakes[stackmode.Events].counts()
	w := writes(admin)
	if len(w) != 2 || !strings.HasPrefix(w[0], "PUT true ") || !strings.Contains(w[0], `"latency":"300ms"`) || !strings.Contains(w[1], `"consumers_paused":true`) {
		t.Errorf("the service got %v", w)
	}
	if _, syncAdmin := fakes[stackmode.Sync].counts(); len(writes(syncAdmin)) != 0 {
		t.Errorf("the sync stack was changed too: %v", writes(syncAdmin))
	}
	// The page sees the fault: the next observation lists it.
	events := stream(t, hs.URL)
	await(t, events, 5*time.Second, func(ev sseEvent) bool {
		var o Observation
		return ev.Name == "stack" && json.Unmarshal([]byte(ev.Data), &o) == nil && o.Mode == "events" &&
			o.Services["inventory-svc"].Faults != nil && o.Services["inventory-svc"].Faults.ConsumersPaused
	})
}
