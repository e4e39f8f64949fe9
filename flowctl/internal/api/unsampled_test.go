package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// w3cUnsampled is a version-00 traceparent with non-zero ids and flags 00
// (W3C Trace Context §3.2).
var w3cUnsampled = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-00$`)

// Reading an order sends a valid W3C traceparent whose sampled flag is off,
// a fresh trace id each time; placing one sends none (the service starts the
// order's trace).
func TestGetAsksNotToBeTraced(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("traceparent"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"o-1","status":"PENDING","final":false,"customer_id":"c","items":[],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","placed_at":"2026-01-01T00:00:00Z","timeline":[]}`))
	}))
	defer srv.Close()
	o := NewOrders(srv.URL, nil)
	for range 2 {
		if _, err := o.Get(context.Background(), "o-1"); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = o.Place(context.Background(), PlaceRequest{CustomerID: "c"})
	if len(seen) != 3 || seen[2] != "" {
		t.Fatalf("traceparents sent %q: want two reads with one, a placement without", seen)
	}
	var ids []string
	for _, tp := range seen[:2] {
		m := w3cUnsampled.FindStringSubmatch(tp)
		if m == nil || m[1] == "00000000000000000000000000000000" || m[2] == "0000000000000000" {
			t.Fatalf("traceparent %q is not a valid unsampled W3C traceparent", tp)
		}
		ids = append(ids, m[1])
	}
	if ids[0] == ids[1] {
		t.Errorf("two reads shared trace id %s", ids[0])
	}
}
