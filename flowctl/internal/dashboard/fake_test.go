package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
	"github.com/orderflow/platform/problem"
)

// fakeStack answers as the three services of one stack do, on one URL: an
// order placed answers 202 PENDING and gains one step per read until it is
// CONFIRMED; /admin/faults wants the token; every admin call is recorded.
type fakeStack struct {
	t     *testing.T
	token string
	srv   *httptest.Server

	mu      sync.Mutex
	orders  map[string]*fakeOrder
	placed  int
	faults  map[string]any
	admin   []string // "METHOD auth-ok body"
	started time.Time
	// placeDelay is how long POST /orders takes to answer.
	placeDelay time.Duration
	// stepScale, when above 0, multiplies the steps' milliseconds (and the
	// time to final): a slow stack, whose rows say +1.23 s.
	stepScale float64
	// maxReads, when above 0, stops orders at that many steps past placed
	// (a consumer that stopped), until one is cancelled.
	maxReads int
}

type fakeOrder struct {
	id    string
	reads int
	at    time.Time
	// cancelled: POST /orders/{id}/cancel took it (fakecancel_test.go), at
	// cancelReads reads.
	cancelled   bool
	cancelReads int
}

// fakeSteps are the steps a fake order gains, one per read, with the
// milliseconds after placement the fake services "recorded".
var fakeSteps = []struct {
	step string
	ms   float64
}{{"placed", 0}, {"reserved", 12.5}, {"invoiced", 30}, {"confirmed", 41}}

func newFakeStack(t *testing.T, token string) *fakeStack {
	f := &fakeStack{t: t, token: token, orders: map[string]*fakeOrder{}, faults: map[string]any{"latency": "0s"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"status":"ok"}`) })
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "# HELP x\noutbox_pending_events 3\n") })
	mux.HandleFunc("POST /orders", f.place)
	mux.HandleFunc("GET /orders/{id}", f.get)
	mux.HandleFunc("POST /orders/{id}/cancel", f.cancel)
	mux.HandleFunc("GET /stock/{sku}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"sku": r.PathValue("sku"), "name": "x", "on_hand": 1 << 20, "reserved": 0, "available": 1 << 20})
	})
	mux.HandleFunc("GET /invoices", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"invoices": []any{}, "count": 0})
	})
	mux.HandleFunc("/admin/faults", f.adminFaults)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeStack) urls() map[string]string {
	return map[string]string{"order-svc": f.srv.URL, "inventory-svc": f.srv.URL, "invoicing-svc": f.srv.URL}
}

func (f *fakeStack) view(o *fakeOrder) map[string]any {
	if o.cancelled {
		return f.cancelledView(o)
	}
	n := min(o.reads+1, len(fakeSteps))
	var tl []map[string]any
	scale := max(f.stepScale, 1)
	for _, s := range fakeSteps[:n] {
		ms := s.ms * scale
		tl = append(tl, map[string]any{"step": s.step, "after_ms": ms, "at": o.at.Add(time.Duration(ms * float64(time.Millisecond)))})
	}
	status := map[string]string{"placed": "PENDING", "reserved": "RESERVED", "invoiced": "RESERVED", "confirmed": "CONFIRMED"}[fakeSteps[n-1].step]
	v := map[string]any{"id": o.id, "customer_id": "c", "items": []any{map[string]any{"sku": "SKU-001", "qty": 1}},
		"status": status, "final": status == "CONFIRMED", "placed_at": o.at, "updated_at": o.at, "timeline": tl}
	if status == "CONFIRMED" {
		v["time_to_final_ms"] = 41.0 * scale
	}
	return v
}

func (f *fakeStack) place(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	delay := f.placeDelay
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.placed++
	o := &fakeOrder{id: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.placed), at: time.Now().UTC()}
	f.orders[o.id] = o
	writeJSON(w, http.StatusAccepted, f.view(o))
}

func (f *fakeStack) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[r.PathValue("id")]
	if !ok {
		problem.Write(w, problem.New(http.StatusNotFound, "not-found", "Order not found", "no such order"))
		return
	}
	if f.maxReads == 0 || o.reads < f.maxReads || o.cancelled {
		o.reads++
	}
	writeJSON(w, http.StatusOK, f.view(o))
}

func (f *fakeStack) adminFaults(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	authOK := r.Header.Get("Authorization") == "Bearer "+f.token
	var body map[string]any
	if r.Method == http.MethodPut {
		_ = json.NewDecoder(r.Body).Decode(&body)
	}
	b, _ := json.Marshal(body)
	f.admin = append(f.admin, fmt.Sprintf("%s %v %s", r.Method, authOK, b))
	if !authOK {
		problem.Write(w, problem.New(http.StatusUnauthorized, "unauthorized", "Unauthorized", "bad token"))
		return
	}
	switch r.Method {
	case http.MethodPut:
		f.faults = body
	case http.MethodDelete:
		f.faults = map[string]any{"latency": "0s"}
	}
	writeJSON(w, http.StatusOK, f.faults)
}

func (f *fakeStack) setToken(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = tok
}

func (f *fakeStack) counts() (placed int, admin []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.placed, append([]string(nil), f.admin...)
}

// writes are the admin calls that change something.
func writes(admin []string) []string {
	var out []string
	for _, a := range admin {
		if !strings.HasPrefix(a, "GET ") {
			out = append(out, a)
		}
	}
	return out
}

// newTestServer is a dashboard over one fake stack per mode, served by an
// httptest server on loopback.
func newTestServer(t *testing.T, token string) (*Server, *httptest.Server, map[stackmode.Mode]*fakeStack) {
	t.Helper()
	return newTestServerPolling(t, token, 50*time.Millisecond)
}

// newTestServerPolling is newTestServer asking the stacks, and publishing
// the figures, once every poll.
func newTestServerPolling(t *testing.T, token string, poll time.Duration) (*Server, *httptest.Server, map[stackmode.Mode]*fakeStack) {
	t.Helper()
	return newTestServerWith(t, token, poll, func(*Config) {})
}

// newTestServerWith is newTestServerPolling with cfg changed by edit first.
func newTestServerWith(t *testing.T, token string, poll time.Duration, edit func(*Config)) (*Server, *httptest.Server, map[stackmode.Mode]*fakeStack) {
	t.Helper()
	fakes := map[stackmode.Mode]*fakeStack{stackmode.Sync: newFakeStack(t, token), stackmode.Events: newFakeStack(t, token)}
	cfg := Config{Token: token, Poll: poll, Reports: []string{t.TempDir()}}
	for _, m := range []stackmode.Mode{stackmode.Sync, stackmode.Events} {
		cfg.Stacks = append(cfg.Stacks, Stack{Mode: m, URLs: fakes[m].urls()})
	}
	edit(&cfg)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Start(testContext(t))
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, hs, fakes
}
