package downstream_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/orderflow/platform/problem"

	"github.com/orderflow/order-svc/internal/downstream"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

const resID = "5b3e1a2c-7d4f-4a6b-9c8d-0e1f2a3b4c5d"

func client(maxConns int) *http.Client {
	return downstream.NewHTTPClient(5*time.Second, maxConns, noop.NewTracerProvider(), propagation.TraceContext{})
}

// overloaded answers as a service at HTTP_MAX_IN_FLIGHT does.
func overloaded(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	problem.Write(w, problem.New(http.StatusServiceUnavailable, "overloaded", "Too many requests in flight", "full"))
}

func TestReserveAnswers(t *testing.T) {
	tests := []struct {
		name        string
		answer      func(w http.ResponseWriter)
		wantOOS     bool
		unavailable bool
	}{
		{"reserved", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"reservation_id":"` + resID + `"}`))
		}, false, false},
		{"out of stock", func(w http.ResponseWriter) {
			problem.Write(w, problem.New(http.StatusConflict, "out-of-stock", "Out of stock", "SKU-005: 3 available").With("sku", "SKU-005"))
		}, true, false},
		// Full: nothing was reserved, so the order fails (503 to its client)
		// without a retry that would stretch its latency past the bound.
		{"overloaded", overloaded, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.answer(w)
			}))
			defer srv.Close()
			inv := &downstream.Inventory{BaseURL: srv.URL, HTTP: client(4)}
			id, err := inv.Reserve(context.Background(), "order-1", []order.Line{{SKU: "SKU-001", Qty: 1}})
			var oos *placing.OutOfStockError
			switch {
			case tt.wantOOS && !errors.As(err, &oos):
				t.Fatalf("Reserve = %v, want OutOfStockError", err)
			case tt.unavailable && !placing.IsUnavailable(err):
				t.Fatalf("Reserve = %v, want UnavailableError", err)
			case !tt.wantOOS && !tt.unavailable && (err != nil || id != resID):
				t.Fatalf("Reserve = %q, %v; want %s", id, err, resID)
			}
			if n := calls.Load(); n != 1 {
				t.Fatalf("inventory saw %d calls, want 1", n)
			}
		})
	}
}

func TestReleaseRetriesWhileUnavailable(t *testing.T) {
	tests := []struct {
		name      string
		refusals  int32 // 503s before inventory releases
		status    int   // the refusal's status
		wantErr   bool
		wantCalls int32
	}{
		{"released at once", 0, 0, false, 1},
		{"full once", 1, http.StatusServiceUnavailable, false, 2},
		{"full three times", 3, http.StatusServiceUnavailable, false, 4},
		{"not found is final", 1, http.StatusNotFound, true, 1},
		{"internal error is final", 1, http.StatusInternalServerError, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/reservations/"+resID+"/release" {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				if calls.Add(1) <= tt.refusals {
					if tt.status == http.StatusServiceUnavailable {
						overloaded(w)
					} else {
						http.Error(w, "no", tt.status)
					}
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`{"reservation_id":"` + resID + `","status":"RELEASED"}`))
			}))
			defer srv.Close()
			inv := &downstream.Inventory{BaseURL: srv.URL, HTTP: client(4)}
			err := inv.Release(context.Background(), resID)
			if (err != nil) != tt.wantErr || calls.Load() != tt.wantCalls {
				t.Fatalf("Release = %v after %d calls; want error %v after %d", err, calls.Load(), tt.wantErr, tt.wantCalls)
			}
		})
	}
}

func TestReleaseStopsRetryingWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			cancel() // the caller's budget for the compensation ran out
		}
		overloaded(w)
	}))
	defer srv.Close()
	inv := &downstream.Inventory{BaseURL: srv.URL, HTTP: client(4)}
	if err := inv.Release(ctx, resID); !placing.IsUnavailable(err) {
		t.Fatalf("Release = %v, want UnavailableError once the context ended", err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("inventory saw %d calls, want 2 (none after the context ended)", n)
	}
}

// The pool is part of the chain's capacity: with HTTP_CLIENT_MAX_CONNS=n no
// more than n connections reach a downstream, however many calls wait.
func TestHTTPClientPool(t *testing.T) {
	tests := []struct {
		maxConns, calls, wantMaxConns int
	}{{2, 6, 2}, {1, 3, 1}, {0, 4, 4}}
	for _, tt := range tests {
		var mu sync.Mutex
		conns := map[string]bool{}
		entered := make(chan struct{}, tt.calls)
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			conns[r.RemoteAddr] = true
			mu.Unlock()
			entered <- struct{}{}
			<-release
		}))
		hc := client(tt.maxConns)
		var wg sync.WaitGroup
		for range tt.calls {
			wg.Go(func() {
				res, err := hc.Get(srv.URL)
				if err != nil {
					t.Errorf("GET: %v", err)
					return
				}
				res.Body.Close()
			})
		}
		// Unbounded: every call is inside the handler at once. Bounded: the
		// first maxConns are; the rest follow as connections free up.
		for range tt.wantMaxConns {
			<-entered
		}
		close(release)
		wg.Wait()
		srv.Close()
		if len(conns) != tt.wantMaxConns {
			t.Errorf("HTTP_CLIENT_MAX_CONNS=%d, %d concurrent calls: %d connections, want %d", tt.maxConns, tt.calls, len(conns), tt.wantMaxConns)
		}
	}
}
