package downstream

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/order-svc/internal/placing"
)

// Reserve says whether inventory can have acted on a failed call: not when
// it was not reached or answered 503 (before handling); maybe otherwise.
func TestInventoryReserveUnsent(t *testing.T) {
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	full, _ := answer(t, 503, "application/problem+json", `{"type":"https://orderflow.dev/problems/overloaded","title":"x","status":503,"detail":"full"}`)
	boom, _ := answer(t, 500, "application/problem+json", `{"type":"https://orderflow.dev/problems/internal","title":"x","status":500,"detail":"boom"}`)
	for _, tc := range []struct {
		name, url  string
		wantUnsent bool
	}{
		{"connection refused", refused.URL, true},
		{"503", full, true},
		{"500", boom, false},
		{"timeout", slow.URL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Inventory{BaseURL: tc.url, HTTP: &http.Client{Timeout: 100 * time.Millisecond}}
			_, err := c.Reserve(context.Background(), orderID, oneLine)
			if !placing.IsUnavailable(err) || placing.IsUnsent(err) != tc.wantUnsent {
				t.Fatalf("err = %v, unsent %v; want unavailable, unsent %v", err, placing.IsUnsent(err), tc.wantUnsent)
			}
		})
	}
}

func TestInventoryRecheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		wantID  string
		wantErr bool
	}{
		{"the first call's reservation", 200, reservation("RESERVED"), resID, false},
		{"reserved now", 201, reservation("RESERVED"), resID, false},
		{"out of stock", 409, `{"type":"https://orderflow.dev/problems/out-of-stock","title":"x","status":409,"detail":"short","sku":"SKU-001"}`, "", false},
		{"cannot tell", 500, `{"type":"https://orderflow.dev/problems/internal","title":"x","status":500,"detail":"boom"}`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := "application/json"
			if tc.status >= 400 {
				ctype = "application/problem+json"
			}
			url, reqs := answer(t, tc.status, ctype, tc.body)
			id, err := (&Inventory{BaseURL: url, HTTP: http.DefaultClient}).Recheck(context.Background(), orderID, oneLine)
			if got := <-reqs; got.Method != http.MethodPost || got.URL.Path != "/reservations" {
				t.Errorf("request = %s %s, want POST /reservations", got.Method, got.URL.Path)
			}
			if id != tc.wantID || (err != nil) != tc.wantErr {
				t.Fatalf("Recheck = %q, %v; want %q, error %v", id, err, tc.wantID, tc.wantErr)
			}
		})
	}
}

// A 503 did nothing: Recheck asks again until it gets an answer.
func TestInventoryRecheckRetriesWhileFull(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(reservation("RESERVED")))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if id, err := (&Inventory{BaseURL: srv.URL, HTTP: http.DefaultClient}).Recheck(ctx, orderID, oneLine); id != resID || err != nil || calls.Load() != 3 {
		t.Fatalf("Recheck = %q, %v after %d calls; want the reservation on the third", id, err, calls.Load())
	}
}
