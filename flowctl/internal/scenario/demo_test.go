package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

func TestMix(t *testing.T) {
	for _, n := range []int{2, 3, 4, 8, 20} {
		mix := Mix(n)
		if len(mix) != n {
			t.Fatalf("Mix(%d) has %d orders", n, len(mix))
		}
		scarce := 0
		for i, r := range mix {
			for _, l := range r.Items {
				if l.SKU == ScarceSKU {
					scarce++
					if l.Qty <= 3 {
						t.Errorf("Mix(%d): the scarce order asks for %d, which 3 on hand could serve", n, l.Qty)
					}
					if want := min(3, n-1); i != want {
						t.Errorf("Mix(%d): scarce order at %d, want %d", n, i, want)
					}
				} else if l.SKU < "SKU-001" || l.SKU > "SKU-004" {
					t.Errorf("Mix(%d): unexpected SKU %s", n, l.SKU)
				}
			}
		}
		if scarce != 1 {
			t.Errorf("Mix(%d) has %d scarce orders, want 1", n, scarce)
		}
	}
}

// fakeOrders is an events-mode order-svc: POST answers 202 PENDING, the
// order turns final on its third GET, the scarce one REJECTED.
type fakeOrders struct {
	mu    sync.Mutex
	gets  map[string]int
	items map[string][]api.Line
}

func (f *fakeOrders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost:
		var req api.PlaceRequest
		json.NewDecoder(r.Body).Decode(&req)
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", len(f.items)+1)
		f.items[id] = req.Items
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(api.Order{ID: id, Status: "PENDING", TraceID: "trace-" + id[len(id)-2:]})
	case r.Method == http.MethodGet:
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		f.gets[id]++
		o := api.Order{ID: id, Status: "PENDING", TraceID: "trace-" + id[len(id)-2:], Timeline: []api.Step{{Step: "placed"}}}
		if f.gets[id] >= 3 {
			ttf := 40.0
			o.Final, o.Status, o.TimeToFinalMS = true, "CONFIRMED", &ttf
			if f.items[id][0].SKU == ScarceSKU {
				o.Status = "REJECTED"
			}
		}
		json.NewEncoder(w).Encode(o)
	}
}

func TestDemo(t *testing.T) {
	f := &fakeOrders{gets: map[string]int{}, items: map[string][]api.Line{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var placed int
	rs, err := Demo(context.Background(), DemoConfig{
		Orders: api.NewOrders(srv.URL, nil), N: 5,
		PollEvery: time.Millisecond, SettleTimeout: 5 * time.Second, TraceTimeout: time.Second,
		Placed: func(OrderResult) { placed++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 5 || placed != 5 {
		t.Fatalf("got %d results, %d placed callbacks", len(rs), placed)
	}
	for _, r := range rs {
		if !r.Order.Final || r.HTTPStatus != 202 || r.PlacementMS <= 0 {
			t.Errorf("order %d = %+v", r.N, r)
		}
		if r.TraceURL != "" {
			t.Errorf("no Jaeger, yet a trace URL: %s", r.TraceURL)
		}
	}
	if rs[3].Order.Status != "REJECTED" || rs[0].Order.Status != "CONFIRMED" {
		t.Errorf("statuses: %s, %s", rs[0].Order.Status, rs[3].Order.Status)
	}

	if _, err := Demo(context.Background(), DemoConfig{Orders: api.NewOrders(srv.URL, nil), N: 1}); err == nil {
		t.Error("N=1 accepted")
	}
}

func TestComplete(t *testing.T) {
	all := &api.TraceSummary{Spans: 9, Services: []string{"inventory-svc.events", "invoicing-svc.events", "order-svc.events"}}
	partial := &api.TraceSummary{Spans: 3, Services: []string{"inventory-svc.events", "order-svc.events"}}
	if !complete(all, "CONFIRMED") || complete(partial, "CONFIRMED") || !complete(partial, "REJECTED") || complete(nil, "FAILED") {
		t.Error("complete() misjudges")
	}
}
