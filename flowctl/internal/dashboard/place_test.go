package dashboard

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/stackmode"
)

// When no stack took the order, POST /api/orders says so: 502, not 201.
func TestPlaceOneNothingPlacedIs502(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	for _, f := range fakes {
		f.srv.Close()
	}
	st, ct, _, b := send(t, "POST", hs.URL+"/api/orders", `{"mode":"both"}`, nil, "")
	wantProblem(t, "POST /api/orders, stacks down", st, http.StatusBadGateway, ct, b)
	if !strings.Contains(string(b), "sync") || !strings.Contains(string(b), "events") {
		t.Errorf("the problem does not say which stacks failed: %s", b)
	}
}

// One stack down, one up: the order that was placed is 201, with the
// other's NOT PLACED row beside it.
func TestPlaceOnePartlyPlacedIs201(t *testing.T) {
	_, hs, fakes := newTestServer(t, testToken)
	fakes[stackmode.Sync].srv.Close()
	if st, _, _, b := send(t, "POST", hs.URL+"/api/orders", `{"mode":"both"}`, nil, ""); st != http.StatusCreated || !strings.Contains(string(b), "NOT PLACED") {
		t.Errorf("one stack down = %d: %s", st, b)
	}
}

// A page that hangs up while its order is on its way does not turn it into
// a NOT PLACED row: the order is placed and followed.
func TestPlaceOneOutlivesClientHangUp(t *testing.T) {
	s, hs, fakes := newTestServer(t, testToken)
	f := fakes[stackmode.Sync]
	f.mu.Lock()
	f.placeDelay = 300 * time.Millisecond
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+"/api/orders", strings.NewReader(`{"mode":"sync"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the request ended before the hang-up: %d", res.StatusCode)
	}
	var rows []OrderView
	waitFor(t, func() bool { rows = s.modes[stackmode.Sync].tracker.recent(10); return len(rows) == 1 })
	if rows[0].Status == "NOT PLACED" || strings.HasPrefix(rows[0].ID, "not-placed") {
		t.Errorf("the client's hang-up cost the order: %+v", rows[0])
	}
	if placed, _ := f.counts(); placed != 1 {
		t.Errorf("%d orders placed", placed)
	}
}

// Claiming stacks for a load is all or nothing: a claim that meets a busy
// stack lets go of the ones it took.
func TestClaimLoadAllOrNothing(t *testing.T) {
	syncMS, events := &modeState{mode: stackmode.Sync}, &modeState{mode: stackmode.Events}
	if _, ok := claimLoad([]*modeState{syncMS}); !ok {
		t.Fatal("a free stack is not claimed")
	}
	busy, ok := claimLoad([]*modeState{events, syncMS})
	if ok || busy != syncMS {
		t.Fatalf("claim over a busy stack = %v, busy %v", ok, busy)
	}
	if events.loading.Load() {
		t.Error("the failed claim kept the events stack")
	}
	if _, ok := claimLoad([]*modeState{events}); !ok {
		t.Error("events cannot be claimed after a failed claim let go of it")
	}
}

// Many pages starting a load at once: one load per stack, the rest 409.
func TestConcurrentLoadsStartOnce(t *testing.T) {
	_, hs, _ := newTestServer(t, testToken)
	const n = 32
	var wg sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			<-start
			res, err := http.Post(hs.URL+"/api/load", "application/json", strings.NewReader(`{"mode":"both","rate":1,"duration_s":300}`))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	accepted := 0
	for _, c := range codes {
		switch c {
		case http.StatusAccepted:
			accepted++
		case http.StatusConflict:
		default:
			t.Errorf("answer %d", c)
		}
	}
	if accepted != 1 {
		t.Errorf("%d loads started on the same stacks at once, want 1", accepted)
	}
}
