package httpserver_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

// slowBodyTimeout is the test's HTTP_BODY_TIMEOUT: long enough that the
// real order below is served while every trickler still waits.
const slowBodyTimeout = 3 * time.Second

// newOrdersServer serves POST /orders on a real listener with the default
// in-flight bound, refusing at once when it is full.
func newOrdersServer(t *testing.T) *httptest.Server {
	t.Helper()
	e := httpserver.New(httpserver.Options{
		Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{},
		Registry: httpserver.NewRegistry(), Limit: httpserver.Limit{MaxInFlight: 64}, BodyTimeout: slowBodyTimeout,
	})
	e.POST("/orders", func(c echo.Context) error {
		var w widget
		if err := httpserver.DecodeJSON(c, &w); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, w)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// trickle sends POST /orders's headers and the body's first byte, then one
// byte every 2 s, and returns the answer it finally gets.
func trickle(addr string, answers chan<- answer, errs chan<- error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		errs <- err
		return
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /orders HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{", addr)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Second):
				_, _ = conn.Write([]byte(" "))
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		errs <- err
		return
	}
	defer resp.Body.Close()
	var p problem.Problem
	err = json.NewDecoder(resp.Body).Decode(&p)
	answers <- answer{code: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), problem: p, err: err}
}

type answer struct {
	code        int
	contentType string
	problem     problem.Problem
	err         error
}

func gauge(t *testing.T, base, name string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return ""
}

func TestSlowBodiesDoNotTakeInFlightSlots(t *testing.T) {
	srv := newOrdersServer(t)
	addr := strings.TrimPrefix(srv.URL, "http://")
	const n = 64
	answers, errs := make(chan answer, n), make(chan error, n)
	for range n {
		go trickle(addr, answers, errs)
	}
	for gauge(t, srv.URL, "http_server_reading_request_bodies") != fmt.Sprint(n) {
		time.Sleep(5 * time.Millisecond)
	}

	resp, err := http.Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"name":"real"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("a real POST /orders beside %d slow bodies = %d, want 201", n, resp.StatusCode)
	}
	if got := gauge(t, srv.URL, "http_server_reading_request_bodies"); got != fmt.Sprint(n) {
		t.Fatalf("bodies still being read after the real order = %s, want %d (it must be served while they wait)", got, n)
	}

	for range n {
		select {
		case err := <-errs:
			t.Fatalf("trickler: %v", err)
		case a := <-answers:
			if a.code != http.StatusRequestTimeout || a.contentType != problem.ContentType || a.err != nil ||
				a.problem.Type != problem.TypeBase+"request-timeout" {
				t.Fatalf("trickler answered %d %q %+v (%v), want a 408 request-timeout problem", a.code, a.contentType, a.problem, a.err)
			}
		}
	}
}

func TestBodyTimeoutProblem(t *testing.T) {
	p := httpserver.BodyTimeout(2 * time.Second)
	b, _ := json.Marshal(p)
	if p.Status != 408 || p.Type != problem.TypeBase+"request-timeout" || !strings.Contains(p.Detail, "HTTP_BODY_TIMEOUT") || !strings.Contains(p.Detail, "2s") {
		t.Fatalf("BodyTimeout = %s, want a 408 request-timeout problem naming HTTP_BODY_TIMEOUT and 2s", b)
	}
}
