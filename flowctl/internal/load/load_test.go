package load

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

// fakeOrderSvc answers POST /orders 202 PENDING (or 503 FAILED for SKU-404)
// and turns an order CONFIRMED on its second GET.
type fakeOrderSvc struct {
	mu       sync.Mutex
	n        int
	gets     map[string]int
	failed   map[string]bool
	inFlight atomic.Int32
	maxSeen  atomic.Int32
	delay    time.Duration
}

func (f *fakeOrderSvc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cur := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		seen := f.maxSeen.Load()
		if cur <= seen || f.maxSeen.CompareAndSwap(seen, cur) {
			break
		}
	}
	time.Sleep(f.delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var req api.PlaceRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.n++
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n)
		if req.Items[0].SKU == "SKU-404" {
			f.failed[id] = true
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"title":"Service Unavailable","status":503,"order_id":%q,"order_status":"FAILED"}`, id)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(api.Order{ID: id, Status: "PENDING"})
	case http.MethodGet:
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		f.gets[id]++
		o := api.Order{ID: id, Status: "PENDING", Timeline: []api.Step{{Step: "placed"}}, UpdatedAt: time.Now()}
		switch {
		case f.failed[id]:
			ttf := 5.0
			o.Status, o.Final, o.TimeToFinalMS = "FAILED", true, &ttf
		case f.gets[id] >= 2:
			ttf := float64(10 * f.gets[id])
			o.Status, o.Final, o.TimeToFinalMS = "CONFIRMED", true, &ttf
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(o)
	}
}

func TestRunAndFollow(t *testing.T) {
	f := &fakeOrderSvc{gets: map[string]int{}, failed: map[string]bool{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	orders := api.NewOrders(srv.URL, nil)
	var placed atomic.Int32
	req := func(i int) api.PlaceRequest {
		if i == 3 {
			return api.PlaceRequest{CustomerID: "c", Items: []api.Line{{SKU: "SKU-404", Qty: 1}}}
		}
		return Mix(i)
	}
	start := time.Now()
	res, err := Run(context.Background(), Config{Orders: orders, Rate: 200, Count: 10, Request: req, Placed: func(Placed) { placed.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	// Open loop on schedule: the tenth order goes out 9 intervals (45 ms) in.
	if took := time.Since(start); took < 45*time.Millisecond {
		t.Errorf("10 orders at 200/s took %s, want ≥ 45ms", took)
	}
	if placed.Load() != 10 || len(res.Orders) != 10 {
		t.Fatalf("placed %d, results %d", placed.Load(), len(res.Orders))
	}
	if p := res.Orders[3]; p.HTTPStatus != 503 || p.Status() != "FAILED" || p.Problem == "" || p.Accepted() || !p.HasID() {
		t.Errorf("the 503 order: %+v", p)
	}
	var rounds []int
	notFinal, err := Follow(context.Background(), &res, orders, FollowConfig{Every: time.Millisecond, Timeout: 5 * time.Second,
		Progress: func(n int) { rounds = append(rounds, n) }})
	if err != nil || notFinal != 0 {
		t.Fatalf("follow: %d not final, %v", notFinal, err)
	}
	if len(rounds) != 2 || rounds[0] != 9 || rounds[1] != 0 {
		t.Errorf("not final per round = %v, want [9 0] (the fake confirms on the second read)", rounds)
	}
	s := Summarize(res)
	if s.Orders != 10 || s.Accepted != 9 || s.Created != 10 || s.ByStatus["CONFIRMED"] != 9 || s.ByStatus["FAILED"] != 1 || s.NotFinal != 0 {
		t.Errorf("summary = %+v", s)
	}
	// The FAILED order (final after 5 ms) is not a time to consistency: 9 CONFIRMED are.
	if s.Placement.N != 10 || s.TimeToFinal.N != 9 || s.TimeToFinal.P50 != 20 || s.TimeToFinal.Max != 20 {
		t.Errorf("stats = placement %+v, ttc %+v", s.Placement, s.TimeToFinal)
	}
	if s.RatePerSec < 100 || s.RatePerSec > 250 {
		t.Errorf("rate %.1f/s, want about 200", s.RatePerSec)
	}
}

func TestMaxInFlightSlips(t *testing.T) {
	f := &fakeOrderSvc{gets: map[string]int{}, failed: map[string]bool{}, delay: 30 * time.Millisecond}
	srv := httptest.NewServer(f)
	defer srv.Close()
	res, err := Run(context.Background(), Config{Orders: api.NewOrders(srv.URL, nil), Rate: 1000, Count: 12, MaxInFlight: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.maxSeen.Load(); got > 2 {
		t.Errorf("%d requests in flight, want at most 2", got)
	}
	if res.Slipped == 0 {
		t.Error("a stalled service did not make the schedule slip")
	}
}

func TestRefusedConnection(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	res, err := Run(context.Background(), Config{Orders: api.NewOrders(url, nil), Rate: 100, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(res)
	if s.ByStatus["NOT PLACED"] != 3 || s.Accepted != 0 || s.Created != 0 || s.Placement.N != 0 {
		t.Errorf("summary = %+v", s)
	}
	if res.Orders[0].Err == "" {
		t.Error("a refused connection left no error")
	}
}

// TestAcceptedIsA2xx: "accepted" promises the order will complete, so a 503
// or 409 answer is not accepted even though order-svc created the order.
func TestAcceptedIsA2xx(t *testing.T) {
	for _, c := range []struct {
		name            string
		p               Placed
		accepted, hasID bool
	}{
		{"201 CONFIRMED (sync)", Placed{HTTPStatus: 201, Order: api.Order{ID: "a", Status: "CONFIRMED"}}, true, true},
		{"202 PENDING (events)", Placed{HTTPStatus: 202, Order: api.Order{ID: "b", Status: "PENDING"}}, true, true},
		{"503 FAILED (sync, inventory down)", Placed{HTTPStatus: 503, Order: api.Order{ID: "c", Status: "FAILED"}}, false, true},
		{"409 REJECTED", Placed{HTTPStatus: 409, Order: api.Order{ID: "d", Status: "REJECTED"}}, false, true},
		{"503 without an order (refused by a full service)", Placed{HTTPStatus: 503}, false, false},
		{"no answer", Placed{}, false, false},
	} {
		if got := c.p.Accepted(); got != c.accepted {
			t.Errorf("%s: Accepted = %v, want %v", c.name, got, c.accepted)
		}
		if got := c.p.HasID(); got != c.hasID {
			t.Errorf("%s: HasID = %v, want %v", c.name, got, c.hasID)
		}
	}
}

func TestPlan(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want int
		ok   bool
	}{
		{Config{Rate: 20, Duration: 3 * time.Second}, 60, true},
		{Config{Rate: 20, Count: 7}, 7, true},
		{Config{Rate: 0.1, Duration: time.Second}, 0, false},
		{Config{Rate: 0, Count: 5}, 0, false},
		{Config{Rate: 20000, Count: 5}, 0, false},
	} {
		n, err := c.cfg.Plan()
		if (err == nil) != c.ok || n != c.want {
			t.Errorf("Plan(%+v) = %d, %v; want %d ok=%v", c.cfg, n, err, c.want, c.ok)
		}
	}
}

func TestFollowInterrupted(t *testing.T) {
	f := &fakeOrderSvc{gets: map[string]int{}, failed: map[string]bool{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	res := Result{Orders: []Placed{{Order: api.Order{ID: "00000000-0000-4000-8000-000000000001"}}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Follow(ctx, &res, api.NewOrders(srv.URL, nil), FollowConfig{Timeout: time.Second}); err == nil {
		t.Error("an interrupted follow reported no error")
	}
}

// TestUntilEndsTheRunEarly: a run closed by Until keeps only the orders it
// sent, each with its answer, and sends none after.
func TestUntilEndsTheRunEarly(t *testing.T) {
	f := &fakeOrderSvc{gets: map[string]int{}, failed: map[string]bool{}, delay: 20 * time.Millisecond}
	srv := httptest.NewServer(f)
	defer srv.Close()
	until := make(chan struct{})
	time.AfterFunc(150*time.Millisecond, func() { close(until) })
	res, err := Run(context.Background(), Config{Orders: api.NewOrders(srv.URL, nil), Rate: 50, Count: 200, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Orders); n == 0 || n >= 200 {
		t.Fatalf("%d orders kept, want the few sent before Until closed", n)
	}
	for _, p := range res.Orders {
		if p.HTTPStatus != http.StatusAccepted || !p.HasID() {
			t.Errorf("order %d kept without its answer: %+v", p.I, p)
		}
	}
	f.mu.Lock()
	posted := f.n
	f.mu.Unlock()
	if posted != len(res.Orders) {
		t.Errorf("the service got %d orders, the result holds %d", posted, len(res.Orders))
	}
}
