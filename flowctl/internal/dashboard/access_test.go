package dashboard

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// send sends a raw body with Content-Type application/json and the given
// headers, and returns status, content type, Allow and body.
func send(t *testing.T, method, url, body string, header map[string]string, host string) (int, string, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Allow"), b
}

func wantProblem(t *testing.T, what string, status int, wantStatus int, ct string, body []byte) {
	t.Helper()
	var p struct{ Status int }
	if status != wantStatus || ct != "application/problem+json" || json.Unmarshal(body, &p) != nil || p.Status != wantStatus {
		t.Errorf("%s = %d %s: %s (want %d problem)", what, status, ct, body, wantStatus)
	}
}

// A public dashboard is no open proxy to the admin API: every /api/ call
// and the stream want the run's key; any Host may carry it.
func TestPublicDashboardWantsItsKey(t *testing.T) {
	s, hs, fakes := newTestServerWith(t, testToken, 50*time.Millisecond, func(c *Config) { c.Public = true })
	key := s.Key()
	if len(key) < 40 || !strings.HasSuffix(s.URL("203.0.113.7:8090"), "/#key="+key) {
		t.Fatalf("key %q, URL %s", key, s.URL("203.0.113.7:8090"))
	}
	other, err := New(Config{Public: true, Stacks: []Stack{{Mode: stackmode.Sync}}})
	if err != nil || other.Key() == key {
		t.Fatalf("two runs share a key (%v)", err)
	}
	host := "dashboard.example:8090"
	for name, h := range map[string]map[string]string{"no key": nil, "wrong key": {KeyHeader: key[:len(key)-1] + "x"}} {
		st, ct, _, b := send(t, "GET", hs.URL+"/api/state", "", h, host)
		wantProblem(t, "GET /api/state, "+name, st, http.StatusUnauthorized, ct, b)
		st, ct, _, b = send(t, "POST", hs.URL+"/api/orders", `{"mode":"both"}`, h, host)
		wantProblem(t, "POST /api/orders, "+name, st, http.StatusUnauthorized, ct, b)
		st, ct, _, b = send(t, "PUT", hs.URL+"/api/stacks/sync/faults/inventory", `{"latency_ms":300}`, h, host)
		wantProblem(t, "PUT faults, "+name, st, http.StatusUnauthorized, ct, b)
		st, ct, _, b = send(t, "GET", hs.URL+"/api/stream", "", h, host)
		wantProblem(t, "GET /api/stream, "+name, st, http.StatusUnauthorized, ct, b)
	}
	// The query parameter is for EventSource only.
	st, ct, _, b := send(t, "GET", hs.URL+"/api/state?key="+key, "", nil, host)
	wantProblem(t, "GET /api/state?key=", st, http.StatusUnauthorized, ct, b)
	for m, f := range fakes {
		if placed, admin := f.counts(); placed != 0 || len(writes(admin)) != 0 {
			t.Errorf("%s: without the key: %d placed, admin writes %v", m, placed, writes(admin))
		}
	}

	if st, _, _, b := send(t, "GET", hs.URL+"/api/state", "", map[string]string{KeyHeader: key}, host); st != http.StatusOK {
		t.Errorf("GET /api/state with the key = %d: %s", st, b)
	}
	if st, _, _, b := send(t, "POST", hs.URL+"/api/orders", `{"mode":"sync"}`, map[string]string{KeyHeader: key}, host); st != http.StatusCreated {
		t.Errorf("POST /api/orders with the key = %d: %s", st, b)
	}
	if st, _, _, _ := send(t, "GET", hs.URL+"/", "", nil, host); st != http.StatusOK {
		t.Errorf("the page itself = %d: it must load to read the key", st)
	}
	events := streamAt(t, hs.URL+"/api/stream?key="+key)
	await(t, events, 5*time.Second, func(ev sseEvent) bool { return ev.Name == "state" })
}

// A loopback dashboard has no key and wants none.
func TestLoopbackDashboardHasNoKey(t *testing.T) {
	s, hs, _ := newTestServer(t, testToken)
	if s.Key() != "" || strings.Contains(s.URL("127.0.0.1:8090"), "key") {
		t.Fatalf("loopback key %q", s.Key())
	}
	if st, _, _, b := send(t, "GET", hs.URL+"/api/state", "", nil, ""); st != http.StatusOK {
		t.Errorf("GET /api/state = %d: %s", st, b)
	}
}

// While a scenario runs, the page's writes would measure into it: they
// answer 409 and change nothing; reads still answer.
func TestWritesRefusedWhileScenarioRuns(t *testing.T) {
	s, hs, fakes := newTestServer(t, testToken)
	s.scen.mu.Lock()
	s.scen.running = true
	s.scen.mu.Unlock()
	writes409 := []struct{ method, path, body string }{
		{"POST", "/api/orders", `{"mode":"both"}`},
		{"POST", "/api/load", `{"mode":"sync","rate":5,"duration_s":2}`},
		{"PUT", "/api/stacks/sync/faults/inventory", `{"latency_ms":300}`},
		{"POST", "/api/stacks/events/faults/inventory/pause", `{}`},
		{"POST", "/api/stacks/events/faults/inventory/resume", `{}`},
		{"DELETE", "/api/stacks/sync/faults", `{}`},
		{"POST", "/api/stacks/sync/inventory/stop", `{}`},
		{"POST", "/api/stacks/events/broker/start", `{}`},
		{"PUT", "/api/stacks/sync/propagation", `{"propagation":"link"}`},
	}
	for _, c := range writes409 {
		st, ct, _, b := send(t, c.method, hs.URL+c.path, c.body, nil, "")
		wantProblem(t, c.method+" "+c.path, st, http.StatusConflict, ct, b)
	}
	if st, _, _, _ := send(t, "GET", hs.URL+"/api/state", "", nil, ""); st != http.StatusOK {
		t.Errorf("GET /api/state during a scenario = %d", st)
	}
	time.Sleep(100 * time.Millisecond) // a load that wrongly started would have placed by now
	for m, f := range fakes {
		if placed, admin := f.counts(); placed != 0 || len(writes(admin)) != 0 {
			t.Errorf("%s: during a scenario: %d placed, admin writes %v", m, placed, writes(admin))
		}
	}
	s.scen.mu.Lock()
	s.scen.running = false
	s.scen.mu.Unlock()
	if st, _, _, b := send(t, "POST", hs.URL+"/api/orders", `{"mode":"sync"}`, nil, ""); st != http.StatusCreated {
		t.Errorf("POST /api/orders after the scenario = %d: %s", st, b)
	}
}

// A wrong method on a known path is 405 (with Allow), a body over the cap
// 413, and JSON followed by more is a 400: each a problem, changing nothing.
func TestRoutingAndBodyProblems(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	for _, c := range []struct{ method, path, allow string }{
		{"DELETE", "/api/orders", "POST"},
		{"GET", "/api/load", "POST"},
		{"PUT", "/api/state", "GET"},
		{"POST", "/api/stacks/sync/faults", "DELETE"},
		{"GET", "/api/scenarios/downstream-down/run", "POST"},
	} {
		st, ct, allow, b := send(t, c.method, hs.URL+c.path, `{}`, nil, "")
		wantProblem(t, c.method+" "+c.path, st, http.StatusMethodNotAllowed, ct, b)
		if allow != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, allow, c.allow)
		}
	}
	st, ct, _, b := send(t, "GET", hs.URL+"/api/nothing/here", "", nil, "")
	wantProblem(t, "unknown path", st, http.StatusNotFound, ct, b)

	big := `{"mode":"` + strings.Repeat("s", maxBody) + `"}`
	st, ct, _, b = send(t, "POST", hs.URL+"/api/orders", big, nil, "")
	wantProblem(t, "body over the cap", st, http.StatusRequestEntityTooLarge, ct, b)
	for _, body := range []string{`{"mode":"sync"} {"mode":"events"}`, `{"mode":"sync"}garbage`, `{"mode":"sync"}]`} {
		st, ct, _, b = send(t, "POST", hs.URL+"/api/orders", body, nil, "")
		wantProblem(t, "trailing "+body, st, http.StatusBadRequest, ct, b)
	}
	for m, f := range fakes {
		if placed, _ := f.counts(); placed != 0 {
			t.Errorf("%s: %d orders placed by bad requests", m, placed)
		}
	}
	// Whitespace after the value is no garbage.
	if st, _, _, b := send(t, "POST", hs.URL+"/api/orders", "{\"mode\":\"sync\"}\n  ", nil, ""); st != http.StatusCreated {
		t.Errorf("JSON then whitespace = %d: %s", st, b)
	}
}
