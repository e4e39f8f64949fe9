package dashboard

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// newThreeStackServer is newTestServer with a third fake stack, the
// orchestrated one, beside sync and events.
func newThreeStackServer(t *testing.T) (*httptest.Server, map[stackmode.Mode]*fakeStack) {
	t.Helper()
	orch := newFakeStack(t, testToken)
	_, hs, fakes := newTestServerWith(t, testToken, 50*time.Millisecond, func(cfg *Config) {
		cfg.Stacks = append(cfg.Stacks, Stack{Mode: stackmode.Orchestration, URLs: orch.urls()})
	})
	fakes[stackmode.Orchestration] = orch
	return hs, fakes
}

// "all" places one order on each of the three stacks, and each reaches
// CONFIRMED in its own column (the stream's order events name its stack).
func TestPlaceOnAllThreeStacks(t *testing.T) {
	hs, fakes := newThreeStackServer(t)
	events := stream(t, hs.URL)
	status, _, body := call(t, http.MethodPost, hs.URL+"/api/orders", map[string]any{"mode": "all"})
	var placed struct{ Orders []OrderView }
	if err := json.Unmarshal(body, &placed); status != http.StatusCreated || err != nil || len(placed.Orders) != 3 {
		t.Fatalf("POST /api/orders all = %d: %s (%v)", status, body, err)
	}
	var modes []string
	pending := map[string]string{} // mode → id, until CONFIRMED
	for _, p := range placed.Orders {
		modes = append(modes, p.Mode)
		pending[p.Mode] = p.ID
	}
	for len(pending) > 0 {
		await(t, events, 10*time.Second, func(ev sseEvent) bool {
			var v OrderView
			if ev.Name != "order" || json.Unmarshal([]byte(ev.Data), &v) != nil || v.Status != "CONFIRMED" || pending[v.Mode] != v.ID {
				return false
			}
			delete(pending, v.Mode)
			return true
		})
	}
	if want := []string{"sync", "events", "events-orchestration"}; !slices.Equal(modes, want) {
		t.Errorf("placed on %v, want %v", modes, want)
	}
	for m, f := range fakes {
		if n, _ := f.counts(); n != 1 {
			t.Errorf("%s: %d orders placed, want 1", m, n)
		}
	}
	var st State
	_, _, body = call(t, http.MethodGet, hs.URL+"/api/state", nil)
	if err := json.Unmarshal(body, &st); err != nil || len(st.Stacks) != 3 || st.Stacks[2].Mode != "events-orchestration" || !st.Stacks[2].Kafka {
		t.Errorf("state %s: want the orchestrated stack third, on Kafka (%v)", body, err)
	}
}

// The orchestrated stack's dead letters and broker are asked for by its
// name; a stack without Kafka has neither, and says so.
func TestDeadLettersAndBrokerPerStack(t *testing.T) {
	hs, _ := newThreeStackServer(t)
	for _, c := range []struct {
		method, path string
		status       int
		detail       string
	}{
		{"GET", "/api/deadletters/events-orchestration", 404, "knows no Kafka broker"},
		{"GET", "/api/deadletters/sync", 400, "the sync stack has no Kafka"},
		{"GET", "/api/deadletters/rest", 404, "use sync or events or events-orchestration"},
		{"POST", "/api/stacks/sync/broker/stop", 400, "the sync stack has no broker"},
		{"POST", "/api/orders", 400, "or all"},
	} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"mode": "kafka"}
		}
		status, _, b := call(t, c.method, hs.URL+c.path, body)
		if status != c.status || !strings.Contains(string(b), c.detail) {
			t.Errorf("%s %s = %d %s, want %d saying %q", c.method, c.path, status, b, c.status, c.detail)
		}
	}
}

// Each events column's dead-letter figure counts its own stack's topics:
// the orchestrated stack's all carry its prefix, the events stack's none;
// sync has none at all.
func TestDeadLetterTopicsPerStack(t *testing.T) {
	hs, _ := newThreeStackServer(t)
	topics := map[string][]string{}
	for _, m := range []string{"sync", "events", "events-orchestration"} {
		var f Figures
		_, _, b := call(t, http.MethodGet, hs.URL+"/api/figures/"+m, nil)
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s figures %s: %v", m, b, err)
		}
		topics[m] = f.DLQTopics
	}
	orch := func(ts []string) int {
		return len(slices.DeleteFunc(slices.Clone(ts), func(s string) bool { return !strings.HasPrefix(s, stackmode.OrchestrationPrefix) }))
	}
	if len(topics["sync"]) != 0 || len(topics["events"]) == 0 || orch(topics["events"]) != 0 ||
		len(topics["events-orchestration"]) == 0 || orch(topics["events-orchestration"]) != len(topics["events-orchestration"]) {
		t.Errorf("dead-letter topics %q: want none for sync, the orch.-prefixed ones for events-orchestration only", topics)
	}
}

// Where inventory-svc's word on an order is: its own events in the events
// stack; in the orchestrated stack its replies, told apart from invoicing-svc's
// on the one reply topic.
func TestInventoryWordPerStyle(t *testing.T) {
	topic, what, mine := inventoryWord(stackmode.Events, "p.")
	if topic != "p.inventory.v1" || what != "its events" || !mine("StockReserved") {
		t.Errorf("events: %s, %s", topic, what)
	}
	topic, what, mine = inventoryWord(stackmode.Orchestration, "p.")
	if topic != "p.orch.order-saga.replies.v1" || what != "its replies" || !mine("StockReserved") || !mine("StockReleased") || mine("InvoiceIssued") || mine("PaymentDeclined") {
		t.Errorf("events-orchestration: %s, %s", topic, what)
	}
}
