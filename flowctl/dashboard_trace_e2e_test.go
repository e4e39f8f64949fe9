package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDashboardTraceOfPendingOrder: the dashboard follows a PENDING events
// order (inventory-svc's consumers paused) for a few seconds, reading it many
// times; its trace view still shows only the order's own spans, found with a
// handful of Jaeger lookups. Before the reads asked not to be traced, this
// view showed ~500 spans in ~500 traces after 10 s.
func TestDashboardTraceOfPendingOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a stack with Jaeger; skipped with -short")
	}
	c, _, _, _ := nativeCLI(t)
	if out, stderr, err := c.run("up", "--mode", "events"); err != nil {
		t.Fatalf("up events: %v\n%s%s", err, out, stderr)
	}
	dash := serveDashboard(t, c)
	if status, body := dashCall(t, dash, "POST", "/api/stacks/events/faults/inventory/pause", nil); status != http.StatusOK {
		t.Fatalf("pause = %d: %s", status, body)
	}
	_, body := dashCall(t, dash, "POST", "/api/orders", map[string]any{"mode": "events"})
	var placed struct{ Orders []dashOrder }
	if json.Unmarshal(body, &placed) != nil || len(placed.Orders) != 1 || placed.Orders[0].Status != "PENDING" {
		t.Fatalf("place: %s", body)
	}
	id := placed.Orders[0].ID
	time.Sleep(5 * time.Second) // the tracker reads the PENDING order all along

	var view struct {
		Investigation struct {
			Spans, Traces, Lookups int
			AllSpans               []struct{ Name, Service, Kind string } `json:"all_spans"`
		}
	}
	for range 20 {
		status, body := dashCall(t, dash, "GET", "/api/orders/events/"+id+"/trace", nil)
		if status == http.StatusOK && json.Unmarshal(body, &view) == nil && view.Investigation.Spans >= wantPendingSpans {
			break
		}
		time.Sleep(time.Second) // the services export spans every second
	}
	var names []string
	for _, s := range view.Investigation.AllSpans {
		names = append(names, s.Service+" "+s.Kind+" "+s.Name)
	}
	inv := view.Investigation
	if inv.Spans != wantPendingSpans || inv.Traces != 1 || inv.Lookups > 4 {
		t.Errorf("trace view of a PENDING order: %d spans in %d traces, %d Jaeger lookups; want %d spans in 1 trace, at most 4 lookups:\n%s",
			inv.Spans, inv.Traces, inv.Lookups, wantPendingSpans, strings.Join(names, "\n"))
	}
	dashCall(t, dash, "POST", "/api/stacks/events/faults/inventory/resume", nil)
}

// wantPendingSpans are the spans of an events order whose inventory
// consumers are paused (TRACE_PROPAGATION=child, one trace): order-svc's
// server span POST /orders, its outbox relay's producer span "send
// orders.v1", and invoicing-svc's consumer span "process orders.v1" (it
// records OrderPlaced); inventory-svc, paused, adds none.
const wantPendingSpans = 3

// serveDashboard runs `flowctl dashboard` in-process on a free port until
// the test ends and returns its base URL.
func serveDashboard(t *testing.T, c *cli) string {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		var out, errb bytes.Buffer
		served <- run(ctx, append([]string{"flowctl", "dashboard", "--addr", addr}, c.common...), c.getenv, &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("dashboard: %v", err)
		}
	})
	return "http://" + addr
}

// dashCall sends a JSON request to the dashboard, waiting for it to answer.
func dashCall(t *testing.T, base, method, path string, body any) (int, []byte) {
	t.Helper()
	for range 100 {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			time.Sleep(50 * time.Millisecond) // the dashboard is starting
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, b
	}
	t.Fatalf("%s %s: the dashboard does not answer", method, path)
	return 0, nil
}
