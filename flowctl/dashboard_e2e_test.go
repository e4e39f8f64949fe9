package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dashOrder is the part of an "order" event this test reads.
type dashOrder struct {
	ID     string `json:"id"`
	Mode   string `json:"mode"`
	Status string `json:"status"`
	Steps  []struct {
		Step    string  `json:"step"`
		AfterMS float64 `json:"after_ms"`
	} `json:"steps"`
}

// TestDashboardNative runs `flowctl dashboard` in-process against both
// native stacks: an order placed through its API reaches CONFIRMED on the
// event stream in each mode; paused consumers (set through the dashboard's
// fault proxy) hold an events order PENDING until resumed; bad input is a
// problem; the admin token appears in no answer.
func TestDashboardNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both stacks; skipped with -short")
	}
	c, runDir, _, _ := nativeCLI(t)
	for _, m := range []string{"sync", "events"} {
		if out, stderr, err := c.run("up", "--mode", m, "--no-jaeger"); err != nil {
			t.Fatalf("up %s: %v\n%s%s", m, err, out, stderr)
		}
	}
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
	dash := "http://" + addr
	var answers []string // every answer, to look for the token in
	call := func(method, path string, body any) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, dash+path, rd)
		req.Header.Set("Content-Type", "application/json")
		for range 100 {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				time.Sleep(50 * time.Millisecond) // the dashboard is starting
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers = append(answers, path+": "+string(b))
			return res.StatusCode, b
		}
		t.Fatalf("%s %s: the dashboard does not answer", method, path)
		return 0, nil
	}
	call("GET", "/api/state", nil)
	orders := dashStream(t, dash)

	t.Run("an order placed on both stacks reaches CONFIRMED on the stream", func(t *testing.T) {
		status, body := call("POST", "/api/orders", map[string]any{"mode": "both"})
		var placed struct{ Orders []dashOrder }
		if status != http.StatusCreated || json.Unmarshal(body, &placed) != nil || len(placed.Orders) != 2 {
			t.Fatalf("POST /api/orders = %d: %s", status, body)
		}
		for _, p := range placed.Orders {
			o := awaitOrder(t, orders, p.ID, "CONFIRMED", 30*time.Second)
			if len(o.Steps) < 4 || o.Steps[0].Step != "placed" {
				t.Errorf("%s: steps %+v", o.Mode, o.Steps)
			}
		}
	})

	t.Run("paused inventory consumers hold an events order PENDING until resumed", func(t *testing.T) {
		if status, body := call("POST", "/api/stacks/events/faults/inventory/pause", nil); status != http.StatusOK {
			t.Fatalf("pause = %d: %s", status, body)
		}
		_, body := call("POST", "/api/orders", map[string]any{"mode": "events"})
		var placed struct{ Orders []dashOrder }
		if json.Unmarshal(body, &placed) != nil || len(placed.Orders) != 1 {
			t.Fatalf("place: %s", body)
		}
		id := placed.Orders[0].ID
		time.Sleep(1500 * time.Millisecond)
		_, body = call("GET", "/api/orders/events/"+id+"/where", nil)
		if !strings.Contains(string(body), `"state":"PENDING"`) || !strings.Contains(string(body), "NOT PROCESSED") {
			t.Errorf("while paused: %s", body)
		}
		if status, body := call("POST", "/api/stacks/events/faults/inventory/resume", nil); status != http.StatusOK {
			t.Fatalf("resume = %d: %s", status, body)
		}
		awaitOrder(t, orders, id, "CONFIRMED", 30*time.Second)
	})

	t.Run("bad input is a problem", func(t *testing.T) {
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/api/load", map[string]any{"mode": "both", "rate": 0, "duration_s": 5}},
			{"POST", "/api/orders", map[string]any{"mode": "kafka"}},
			{"POST", "/api/scenarios/no-such/run", map[string]any{}},
			{"GET", "/api/orders/sync/00000000-0000-4000-8000-000000000000/where", nil},
		} {
			if status, body := call(c.method, c.path, c.body); status < 400 || status >= 500 || !strings.Contains(string(body), `"type":"https://orderflow.dev/problems/`) {
				t.Errorf("%s %s = %d: %s", c.method, c.path, status, body)
			}
		}
	})

	t.Run("detached, it answers until down stops it", func(t *testing.T) {
		addr2 := "127.0.0.1:" + strconv.Itoa(freePort(t))
		out, stderr, err := c.run("dashboard", "--detach", "--addr", addr2)
		if err != nil || !strings.Contains(out, "dashboard: http://"+addr2) {
			t.Fatalf("dashboard --detach: %v\n%s%s", err, out, stderr)
		}
		res, err := http.Get("http://" + addr2 + "/api/state")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("the detached dashboard does not answer: %v", err)
		}
		res.Body.Close()
		out, _, err = c.run("down", "--mode", "all")
		if err != nil || !strings.Contains(out, "stopped dashboard") {
			t.Fatalf("down: %v\n%s", err, out)
		}
		if _, err := http.Get("http://" + addr2 + "/api/state"); err == nil {
			t.Error("the dashboard still answers after down")
		}
	})

	t.Run("the admin token is in no answer", func(t *testing.T) {
		tok, err := os.ReadFile(filepath.Join(runDir, "admin-token"))
		if err != nil || len(bytes.TrimSpace(tok)) == 0 {
			t.Fatalf("admin token: %v", err)
		}
		for _, p := range []string{"/", "/app.js", "/controls.js", "/trace.js", "/api/state", "/api/stacks/events", "/api/figures/events"} {
			call("GET", p, nil)
		}
		for _, a := range answers {
			if strings.Contains(a, strings.TrimSpace(string(tok))) {
				t.Errorf("token in %.200s", a)
			}
		}
	})
}

// dashStream delivers the "order" events of the dashboard's stream.
func dashStream(t *testing.T, base string) <-chan dashOrder {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/stream", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan dashOrder, 4096)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && name == "order":
				var o dashOrder
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &o) == nil {
					ch <- o
				}
			}
		}
	}()
	return ch
}

func awaitOrder(t *testing.T, ch <-chan dashOrder, id, status string, timeout time.Duration) dashOrder {
	t.Helper()
	deadline := time.After(timeout)
	last := ""
	for {
		select {
		case o := <-ch:
			if o.ID == id {
				last = o.Status
				if o.Status == status {
					return o
				}
			}
		case <-deadline:
			t.Fatalf("order %s: no %s on the stream within %s (last %q)", id, status, timeout, last)
		}
	}
}
