package httpserver_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

// limited is a server with a Limit whose /block handler holds its slot until
// release is closed, announcing itself on entered.
type limited struct {
	e       *echo.Echo
	entered chan struct{}
	release chan struct{}
	wg      sync.WaitGroup
	codes   chan int
}

func newLimited(t *testing.T, l httpserver.Limit) *limited {
	t.Helper()
	s := &limited{entered: make(chan struct{}, 64), release: make(chan struct{}), codes: make(chan int, 64)}
	s.e = httpserver.New(httpserver.Options{
		Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{},
		Registry: httpserver.NewRegistry(), Limit: l,
		Knobs: func() map[string]any { return map[string]any{"HTTP_CLIENT_MAX_CONNS": 8} },
	})
	s.e.GET("/block", func(c echo.Context) error {
		s.entered <- struct{}{}
		<-s.release
		return c.NoContent(http.StatusOK)
	})
	s.e.GET("/ok", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	s.e.GET("/panic", func(c echo.Context) error { panic("handler bug") })
	s.e.GET("/fail", func(c echo.Context) error { return errors.New("database exploded") })
	t.Cleanup(s.stop)
	return s
}

// hold starts n /block requests and returns once all n hold a slot.
func (s *limited) hold(t *testing.T, n int) {
	t.Helper()
	for range n {
		s.wg.Go(func() {
			rec := httptest.NewRecorder()
			s.e.ServeHTTP(rec, newRequest(http.MethodGet, "/block", nil))
			s.codes <- rec.Code
		})
	}
	for range n {
		<-s.entered
	}
}

func (s *limited) stop() {
	select {
	case <-s.release:
	default:
		close(s.release)
	}
	s.wg.Wait()
}

func (s *limited) get(t *testing.T, path string) (*httptest.ResponseRecorder, problemBody) {
	t.Helper()
	return serve(t, s.e, newRequest(http.MethodGet, path, nil))
}

// metric returns the line of /metrics that starts with name.
func (s *limited) metric(t *testing.T, name string) string {
	t.Helper()
	rec, _ := s.get(t, "/metrics")
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return ""
}

// waitMetric polls /metrics until name has value want.
func (s *limited) waitMetric(t *testing.T, name, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.metric(t, name)
		if got == name+" "+want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q, want value %s", name, got, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestLimitRefusesBeyondMaxInFlight(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run("max "+strconv.Itoa(n), func(t *testing.T) {
			s := newLimited(t, httpserver.Limit{MaxInFlight: n})
			s.hold(t, n)
			if got := s.metric(t, "http_server_in_flight_requests"); got != "http_server_in_flight_requests "+strconv.Itoa(n) {
				t.Fatalf("in flight = %q, want %d", got, n)
			}

			rec, p := s.get(t, "/ok")
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != httpserver.RetryAfterSeconds ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), problem.ContentType) ||
				p.Type != problem.TypeBase+httpserver.ProblemOverloaded || p.Status != 503 || !strings.Contains(p.Detail, "HTTP_MAX_IN_FLIGHT") {
				t.Fatalf("request %d = %d Retry-After %q %q %+v, want 503 overloaded problem with Retry-After",
					n+1, rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Content-Type"), p)
			}
			if got := s.metric(t, "http_server_rejected_requests_total"); got != "http_server_rejected_requests_total 1" {
				t.Fatalf("rejected = %q, want 1", got)
			}

			// Health, readiness, metrics and admin answer while the API is full.
			for _, path := range []string{"/healthz", "/readyz", "/metrics", "/admin/knobs"} {
				if rec, _ := s.get(t, path); rec.Code != http.StatusOK {
					t.Errorf("%s while full = %d, want 200", path, rec.Code)
				}
			}

			close(s.release)
			s.wg.Wait()
			for range n {
				if code := <-s.codes; code != http.StatusOK {
					t.Fatalf("held request = %d, want 200", code)
				}
			}
			// The finished requests gave their slots back.
			for range n + 1 {
				if rec, _ := s.get(t, "/ok"); rec.Code != http.StatusOK {
					t.Fatalf("after release = %d, want 200", rec.Code)
				}
			}
			if got := s.metric(t, "http_server_in_flight_requests"); got != "http_server_in_flight_requests 0" {
				t.Fatalf("in flight after release = %q, want 0", got)
			}
		})
	}
}

// A handler that panics or fails must not keep its slot: with one slot, the
// next request would be refused forever.
func TestLimitReleasesOnPanicAndError(t *testing.T) {
	tests := []struct {
		path string
		code int
	}{{"/panic", 500}, {"/fail", 500}, {"/missing", 404}}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := newLimited(t, httpserver.Limit{MaxInFlight: 1})
			for range 3 {
				if rec, _ := s.get(t, tt.path); rec.Code != tt.code {
					t.Fatalf("%s = %d, want %d", tt.path, rec.Code, tt.code)
				}
			}
			if rec, _ := s.get(t, "/ok"); rec.Code != http.StatusOK {
				t.Fatalf("after %s = %d, want 200: the slot was not released", tt.path, rec.Code)
			}
		})
	}
}

func TestLimitQueueWait(t *testing.T) {
	t.Run("a queued request is served when a slot frees", func(t *testing.T) {
		// The wait is far longer than the test needs: the slot is freed by
		// the test, not by the clock.
		s := newLimited(t, httpserver.Limit{MaxInFlight: 1, QueueWait: time.Minute})
		s.hold(t, 1)
		done := make(chan int, 1)
		go func() {
			rec, _ := s.get(t, "/ok")
			done <- rec.Code
		}()
		s.waitMetric(t, "http_server_queued_requests", "1")
		close(s.release)
		if code := <-done; code != http.StatusOK {
			t.Fatalf("queued request = %d, want 200", code)
		}
		s.waitMetric(t, "http_server_queued_requests", "0")
	})
	t.Run("a queued request is refused when no slot frees in time", func(t *testing.T) {
		s := newLimited(t, httpserver.Limit{MaxInFlight: 1, QueueWait: time.Millisecond})
		s.hold(t, 1)
		if rec, _ := s.get(t, "/ok"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("= %d, want 503 with Retry-After", rec.Code)
		}
	})
	t.Run("a client that hangs up leaves the queue", func(t *testing.T) {
		s := newLimited(t, httpserver.Limit{MaxInFlight: 1, QueueWait: time.Minute})
		s.hold(t, 1)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() {
			rec := httptest.NewRecorder()
			s.e.ServeHTTP(rec, newRequestWithContext(ctx, http.MethodGet, "/ok", nil))
			done <- rec.Code
		}()
		s.waitMetric(t, "http_server_queued_requests", "1")
		cancel()
		if code := <-done; code != http.StatusServiceUnavailable {
			t.Fatalf("= %d, want 503", code)
		}
		s.waitMetric(t, "http_server_queued_requests", "0")
	})
}

func TestLimitZeroIsUnbounded(t *testing.T) {
	s := newLimited(t, httpserver.Limit{})
	s.hold(t, 40) // returns only once all 40 are inside the handler
	if got := s.metric(t, "http_server_in_flight_requests"); got != "http_server_in_flight_requests 40" {
		t.Fatalf("in flight = %q, want 40", got)
	}
	if got := s.metric(t, "http_server_max_in_flight"); got != "http_server_max_in_flight 0" {
		t.Fatalf("max in flight = %q, want 0", got)
	}
}

func TestKnobs(t *testing.T) {
	s := newLimited(t, httpserver.Limit{MaxInFlight: 5, QueueWait: 250 * time.Millisecond})
	rec, _ := s.get(t, "/admin/knobs")
	want := `{"service":"test-svc","mode":"sync","knobs":{"HTTP_BODY_TIMEOUT":"2s","HTTP_CLIENT_MAX_CONNS":8,"HTTP_MAX_IN_FLIGHT":5,"HTTP_QUEUE_WAIT":"250ms"}}`
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != want {
		t.Fatalf("GET /admin/knobs = %d %s, want %s", rec.Code, rec.Body.String(), want)
	}
}
