package investigate

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/flowctl/internal/api"
)

func TestAwaitNoJaeger(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Await(context.Background(), api.NewJaeger("http://"+addr, nil),
		Input{OrderID: "o", TraceID: "aa"}, time.Time{})
	if err == nil || !strings.Contains(err.Error(), "Jaeger does not answer at") || !strings.Contains(err.Error(), "flowctl up") {
		t.Errorf("err = %v", err)
	}
}

// TestAwaitPolls plays a fresh order: Jaeger has no span of its trace for
// the first answers, then has.
func TestAwaitPolls(t *testing.T) {
	fixture, err := os.ReadFile("testdata/sync-confirmed.json")
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) <= 2 {
			http.Error(w, `{"error":{"httpCode":404,"message":"No traces found"}}`, http.StatusNotFound)
			return
		}
		w.Write(fixture)
	}))
	t.Cleanup(srv.Close)
	inv, err := Await(context.Background(), api.NewJaeger(srv.URL, nil),
		Input{OrderID: "a1e23a3d-2cbd-466b-877e-a4d6d7298fa4", TraceID: "73740a90c758ab1b31912f0e65fe69db", Mode: "sync"},
		time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Spans != 5 || asked.Load() != 3 {
		t.Errorf("spans %d after %d lookups; want 5 after 3", inv.Spans, asked.Load())
	}
}
