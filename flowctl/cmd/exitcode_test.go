package cmd_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/orderflow/flowctl/cmd"
	"github.com/orderflow/flowctl/internal/orderwatch"
)

// `order watch --timeout` on an order that stays PENDING (the exercise's
// consumers are paused) exits 2 and names the mode, not "…".
func TestOrderWatchTimeoutExitsTwoAndNamesTheMode(t *testing.T) {
	const id = "0f0e0d0c-0000-4000-8000-000000000001"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"customer_id":"c","status":"PENDING","items":[{"sku":"SKU-001","qty":1}],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","timeline":[{"step":"placed","at":"2026-01-01T00:00:00Z"}]}`, id)
	}))
	defer srv.Close()
	// The events stack's order-svc is at port base+101: put it on srv.
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	if port-101 < 1024 {
		t.Fatalf("port %d leaves no port base", port)
	}
	out, err := flowctl(t, nil, "--port-base", strconv.Itoa(port-101), "order", "watch", id, "--mode", "events", "--timeout", "1s")
	if code := cmd.ExitCode(err); code != orderwatch.ExitNotFinal {
		t.Fatalf("exit %d (%v), want %d; output:\n%s", code, err, orderwatch.ExitNotFinal, out)
	}
	if strings.Contains(err.Error(), "…") || !strings.Contains(err.Error(), "--mode events") {
		t.Errorf("message %q", err)
	}
	if cmd.ExitCode(nil) != 0 || cmd.ExitCode(fmt.Errorf("x")) != 1 {
		t.Error("ExitCode: nil is 0, any other error 1")
	}
}

// `order place` without --customer says what to add, before any request.
func TestOrderPlaceWithoutCustomerSaysTheFlag(t *testing.T) {
	_, err := flowctl(t, nil, "--port-base", "1024", "order", "place", "--mode", "events", "--item", "SKU-001:1")
	if err == nil || err.Error() != "--customer is required (e.g. --customer cust-1)" {
		t.Errorf("err = %v", err)
	}
}
