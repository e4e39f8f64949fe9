package dashboard

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

const testToken = "s3cret-admin-token-0123456789abcdef"

// Placing through the API, the order's steps arrive on the stream, each
// with the services' own +N ms, until it is CONFIRMED.
func TestPlaceOneStreamsStepsToConfirmed(t *testing.T) {
	_, hs, _ := newTestServer(t, testToken)
	events := stream(t, hs.URL)
	status, ct, body := call(t, http.MethodPost, hs.URL+"/api/orders", map[string]any{"mode": "both"})
	if status != http.StatusCreated || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("POST /api/orders = %d %s: %s", status, ct, body)
	}
	var placed struct{ Orders []OrderView }
	if err := json.Unmarshal(body, &placed); err != nil || len(placed.Orders) != 2 {
		t.Fatalf("answer %s: %v", body, err)
	}
	for _, p := range placed.Orders {
		if p.Status != "PENDING" || p.HTTPStatus != http.StatusAccepted || p.PlacementMS <= 0 {
			t.Errorf("%s placed as %+v", p.Mode, p)
		}
		ev := await(t, events, 10*time.Second, func(ev sseEvent) bool {
			var v OrderView
			return ev.Name == "order" && json.Unmarshal([]byte(ev.Data), &v) == nil && v.ID == p.ID && v.Status == "CONFIRMED"
		})
		var v OrderView
		_ = json.Unmarshal([]byte(ev.Data), &v)
		var got []string
		for _, s := range v.Steps {
			got = append(got, s.Step)
		}
		if strings.Join(got, ",") != "placed,reserved,invoiced,confirmed" || v.Steps[3].AfterMS != 41 || !v.Final {
			t.Errorf("%s: steps %v (%+v)", p.Mode, got, v)
		}
	}
	// The figures count them: one order each, time to consistency measured.
	ev := await(t, events, 5*time.Second, func(ev sseEvent) bool {
		var f Figures
		return ev.Name == "figures" && json.Unmarshal([]byte(ev.Data), &f) == nil && f.Mode == "events" && f.TTCP50.N == 1
	})
	var f Figures
	_ = json.Unmarshal([]byte(ev.Data), &f)
	if f.TTCTail.Name != "max" || *f.TTCTail.Value != 41 || f.Orders.N != 1 || f.ByStatus["CONFIRMED"] != 1 {
		t.Errorf("figures %+v", f)
	}
}

// Bad input answers a problem and changes nothing: no order placed, no
// fault set.
func TestBadInputAnswersProblemAndChangesNothing(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	cases := []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"unknown mode", "POST", "/api/orders", map[string]any{"mode": "kafka"}, 400},
		{"no mode", "POST", "/api/orders", map[string]any{}, 400},
		{"unknown member", "POST", "/api/orders", map[string]any{"mode": "sync", "count": 3}, 400},
		{"rate zero", "POST", "/api/load", map[string]any{"mode": "sync", "rate": 0, "duration_s": 5}, 400},
		{"rate negative", "POST", "/api/load", map[string]any{"mode": "sync", "rate": -1, "duration_s": 5}, 400},
		{"rate absurd", "POST", "/api/load", map[string]any{"mode": "sync", "rate": 2001, "duration_s": 5}, 400},
		{"duration zero", "POST", "/api/load", map[string]any{"mode": "both", "rate": 5, "duration_s": 0}, 400},
		{"duration long", "POST", "/api/load", map[string]any{"mode": "both", "rate": 5, "duration_s": 301}, 400},
		{"too many orders", "POST", "/api/load", map[string]any{"mode": "events", "rate": 2000, "duration_s": 300}, 400},
		{"load unknown mode", "POST", "/api/load", map[string]any{"mode": "rest", "rate": 5, "duration_s": 5}, 400},
		{"unknown scenario", "POST", "/api/scenarios/happy-days/run", map[string]any{}, 404},
		{"unknown order where", "GET", "/api/orders/events/00000000-0000-4000-8000-999999999999/where", nil, 404},
		{"unknown order trace", "GET", "/api/orders/sync/nope/trace", nil, 404},
		{"unknown stack", "GET", "/api/figures/kafka", nil, 404},
		{"unknown stack faults", "PUT", "/api/stacks/rest/faults/inventory", map[string]any{"latency_ms": 300}, 404},
		{"unknown service", "PUT", "/api/stacks/sync/faults/billing", map[string]any{"latency_ms": 300}, 404},
		{"latency negative", "PUT", "/api/stacks/sync/faults/inventory", map[string]any{"latency_ms": -5}, 400},
		{"error rate above one", "PUT", "/api/stacks/sync/faults/inventory", map[string]any{"error_rate": 1.5}, 400},
		{"unknown verb", "POST", "/api/stacks/sync/inventory/restart", map[string]any{}, 404},
		{"broker of sync", "POST", "/api/stacks/sync/broker/stop", map[string]any{}, 400},
		{"unknown endpoint", "GET", "/api/nothing", nil, 404},
		{"dead letters without a broker", "GET", "/api/deadletters", nil, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, ct, body := call(t, c.method, hs.URL+c.path, c.body)
			if status != c.status || ct != "application/problem+json" {
				t.Fatalf("%s %s = %d %s: %s", c.method, c.path, status, ct, body)
			}
			var p struct {
				Type, Title, Detail string
				Status              int
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Status != c.status || p.Title == "" || p.Detail == "" || !strings.HasPrefix(p.Type, "https://orderflow.dev/problems/") {
				t.Fatalf("not a problem: %s", body)
			}
		})
	}
	time.Sleep(100 * time.Millisecond) // a load that wrongly started would have placed by now
	for m, f := range fakes {
		placed, admin := f.counts()
		if placed != 0 || len(writes(admin)) != 0 {
			t.Errorf("%s: bad input changed something: %d orders placed, admin writes %v", m, placed, writes(admin))
		}
	}
}

// A write without a JSON content type (what a cross-site form sends) and a
// request for a non-loopback host are refused.
func TestGuardRefusesFormPostsAndForeignHosts(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	res, err := http.Post(hs.URL+"/api/orders", "application/x-www-form-urlencoded", strings.NewReader("mode=sync"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form post = %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/state", nil)
	req.Host = "evil.example:8090"
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("foreign host = %d", res.StatusCode)
	}
	if placed, _ := fakes[stackmode.Sync].counts(); placed != 0 {
		t.Errorf("the form post placed %d orders", placed)
	}
}

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8090": true, "localhost:1": true, "[::1]:8090": true,
		"0.0.0.0:8090": false, "192.168.1.5:8090": false, ":8090": false, "8090": false} {
		if err := CheckAddr(addr, false); (err == nil) != ok {
			t.Errorf("CheckAddr(%q) = %v", addr, err)
		}
	}
	if err := CheckAddr("0.0.0.0:8090", true); err != nil {
		t.Errorf("--public: %v", err)
	}
}
