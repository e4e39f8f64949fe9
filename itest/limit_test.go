package itest

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/problem"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// holdSlot occupies one of svc's HTTP_MAX_IN_FLIGHT slots: with a latency
// fault set, a complete request is admitted and waits in svc (a slow body
// no longer can: it is read before the request takes a slot). It returns
// once svc counts the request in flight; calling the returned func clears
// the fault and hangs the request up, which frees the slot. svc needs
// ADMIN_TOKEN=adminToken.
func (s *stack) holdSlot(svc, path string) func() {
	s.t.Helper()
	s.setFaults(svc, `{"latency":"1m"}`)
	ctx, cancel := context.WithCancel(s.t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url[svc]+path, strings.NewReader("{}"))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	s.waitMetric(svc, "http_server_in_flight_requests", "1")
	return func() {
		s.setFaults(svc, `{}`)
		cancel()
		<-done
		s.waitMetric(svc, "http_server_in_flight_requests", "0")
	}
}

// waitMetric polls svc's /metrics until the series name has value want.
func (s *stack) waitMetric(svc, name, want string) {
	s.t.Helper()
	eventually(s.t, 10*time.Second, svc+" "+name+" = "+want, func() (bool, string) {
		res, err := http.Get(s.url[svc] + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				return v == want, line
			}
		}
		return false, "no " + name
	})
}

// A downstream at HTTP_MAX_IN_FLIGHT refuses with 503 before doing anything:
// the order is FAILED, its client hears 503 with Retry-After, and nothing is
// left reserved or invoiced.
func TestSyncDownstreamFull(t *testing.T) {
	tests := []struct {
		full, path   string
		wantReserved bool // a reservation was made (and released) before the refusal
	}{
		{inventory.Name, "/reservations", false},
		{invoicing.Name, "/invoices", true},
	}
	for _, tt := range tests {
		t.Run(tt.full, func(t *testing.T) {
			s := startStack(t, stackOpts{mode: config.ModeSync, env: map[string]map[string]string{
				tt.full: {"HTTP_MAX_IN_FLIGHT": "1", "HTTP_QUEUE_WAIT": "0s", "ADMIN_TOKEN": adminToken},
			}})
			const sku = "SKU-002"
			before := s.reservedOf(sku)
			free := s.holdSlot(tt.full, tt.path)

			r := s.place("c-full", item(sku, 2))
			var p struct {
				problemView
				OrderStatus string `json:"order_status"`
			}
			r.decode(t, &p)
			if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
				p.Type != problem.TypeBase+"dependency-failed" || p.OrderStatus != "FAILED" || !strings.Contains(p.Detail, "HTTP_MAX_IN_FLIGHT") {
				t.Fatalf("%s full: POST /orders = %d %s (Retry-After %q), want 503 dependency-failed naming HTTP_MAX_IN_FLIGHT",
					tt.full, r.status, r.body, r.header.Get("Retry-After"))
			}
			o := s.getOrder(p.OrderID)
			if o.Status != "FAILED" || slices.Contains(o.steps(), "reserved") != tt.wantReserved {
				t.Fatalf("order = %+v, want FAILED (reserved first: %v)", o, tt.wantReserved)
			}
			s.waitMetric(tt.full, "http_server_rejected_requests_total", "1")

			// No leaks: the stock is as before, no invoice exists.
			if after := s.reservedOf(sku); after != before {
				t.Fatalf("%s reserved %d → %d: a reservation leaked", sku, before, after)
			}
			n, err := s.inventory.Store.ReservationCount(t.Context(), p.OrderID)
			if err != nil || (n == 1) != tt.wantReserved || n > 1 {
				t.Fatalf("reservations of the failed order = %d, %v; want reserved-and-released %v", n, err, tt.wantReserved)
			}
			if invs, err := s.invoicing.Store.ByOrder(t.Context(), p.OrderID); err != nil || len(invs) != 0 {
				t.Fatalf("invoices of the failed order = %d, %v; want none", len(invs), err)
			}

			// Once the slot is free the chain serves again.
			free()
			if r := s.place("c-after", item(sku, 1)); r.status != http.StatusCreated {
				t.Fatalf("after the slot freed: POST /orders = %d %s, want 201", r.status, r.body)
			}
		})
	}
}

// GET /admin/knobs reports what each service runs with.
func TestKnobsEndpoint(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync, env: map[string]map[string]string{
		orders.Name:    {"HTTP_CLIENT_MAX_CONNS": "7", "HTTP_MAX_IN_FLIGHT": "9"},
		inventory.Name: {"HTTP_MAX_IN_FLIGHT": "3", "HTTP_QUEUE_WAIT": "0s"},
	}})
	tests := []struct {
		svc  string
		want map[string]any
	}{
		{orders.Name, map[string]any{"HTTP_MAX_IN_FLIGHT": 9.0, "HTTP_QUEUE_WAIT": "100ms", "HTTP_CLIENT_MAX_CONNS": 7.0, "HTTP_CLIENT_TIMEOUT": "2s", "HTTP_BODY_TIMEOUT": "2s"}},
		{inventory.Name, map[string]any{"HTTP_MAX_IN_FLIGHT": 3.0, "HTTP_QUEUE_WAIT": "0s", "HTTP_BODY_TIMEOUT": "2s"}},
		{invoicing.Name, map[string]any{"HTTP_MAX_IN_FLIGHT": 64.0, "HTTP_QUEUE_WAIT": "100ms", "HTTP_BODY_TIMEOUT": "2s"}},
	}
	for _, tt := range tests {
		r := do(t, http.MethodGet, s.url[tt.svc]+"/admin/knobs", nil)
		var k struct {
			Service, Mode string
			Knobs         map[string]any
		}
		if err := json.Unmarshal(r.body, &k); err != nil || r.status != http.StatusOK {
			t.Fatalf("%s GET /admin/knobs = %d %s", tt.svc, r.status, r.body)
		}
		if k.Service != tt.svc || k.Mode != "sync" || !maps.Equal(k.Knobs, tt.want) {
			t.Errorf("%s knobs = %s, want %v", tt.svc, r.body, tt.want)
		}
	}
}

// reservedOf reads a SKU's reserved quantity from inventory's database: the
// API may be the thing that is full.
func (s *stack) reservedOf(sku string) int {
	s.t.Helper()
	items, err := s.inventory.Store.Items(s.t.Context(), sku)
	if err != nil {
		s.t.Fatal(err)
	}
	return items[sku].Reserved
}
