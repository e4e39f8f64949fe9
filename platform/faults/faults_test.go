package faults

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/orderflow/platform/httpserver"
)

func TestApplyErrorRateAndLatency(t *testing.T) {
	in := New()
	draws := []float64{0.1, 0.9}
	in.rand = func() float64 { v := draws[0]; draws = draws[1:]; return v }
	if err := in.Set(Settings{ErrorRate: 0.5, Latency: Duration(20 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := in.Apply(context.Background()); !errors.Is(err, ErrInjected) {
		t.Fatalf("draw 0.1 < rate 0.5: err = %v, want ErrInjected", err)
	}
	if took := time.Since(start); took < 20*time.Millisecond {
		t.Fatalf("latency not applied: %v", took)
	}
	if err := in.Apply(context.Background()); err != nil {
		t.Fatalf("draw 0.9 ≥ rate 0.5: err = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := in.Apply(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx during latency: %v", err)
	}
}

func TestSetValidates(t *testing.T) {
	in := New()
	for _, s := range []Settings{{ErrorRate: -0.1}, {ErrorRate: 1.5}, {Latency: Duration(-time.Second)}, {Latency: Duration(2 * time.Minute)}} {
		if err := in.Set(s); err == nil {
			t.Errorf("Set(%+v) accepted", s)
		}
	}
	if got := in.Settings(); got != (Settings{}) {
		t.Fatalf("a rejected Set changed the settings: %+v", got)
	}
}

func TestPauseAndResume(t *testing.T) {
	in := New()
	if err := in.WaitResumed(context.Background()); err != nil {
		t.Fatalf("not paused, yet WaitResumed: %v", err)
	}
	_ = in.Set(Settings{ConsumersPaused: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := in.WaitResumed(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("paused: WaitResumed = %v, want it to block until the deadline", err)
	}
	done := make(chan error, 1)
	go func() { done <- in.WaitResumed(context.Background()) }()
	_ = in.Set(Settings{})
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("resume did not release a waiting consumer")
	}
}

func newEcho(in *Injector, token string) *echo.Echo {
	e := httpserver.New(httpserver.Options{Service: "t", Logger: slog.New(slog.DiscardHandler), Tracer: noop.NewTracerProvider(),
		Propagator: propagation.TraceContext{}, Registry: httpserver.NewRegistry()})
	e.Use(in.Middleware)
	in.Register(e, token)
	e.GET("/orders", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	return e
}

func call(e http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1" // httptest's example.com is a foreign name to the services
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestAdminEndpoint(t *testing.T) {
	in := New()
	e := newEcho(in, "s3cret")
	if rec := call(e, http.MethodPut, "/admin/faults", "wrong", `{"error_rate":1}`); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token = %d, want 401", rec.Code)
	}
	if rec := call(e, http.MethodPut, "/admin/faults", "s3cret", `{"error_rate":2}`); rec.Code != http.StatusBadRequest {
		t.Fatalf("error_rate 2 = %d, want 400", rec.Code)
	}
	rec := call(e, http.MethodPut, "/admin/faults", "s3cret", `{"error_rate":1,"latency":"5ms"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"latency":"5ms"`) {
		t.Fatalf("PUT = %d %s", rec.Code, rec.Body)
	}
	if rec := call(e, http.MethodGet, "/orders", "", ""); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API under error_rate 1 = %d %s, want 503 problem", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := call(e, http.MethodGet, "/healthz", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("/healthz must not be faulted: %d", rec.Code)
	}
	if rec := call(e, http.MethodDelete, "/admin/faults", "s3cret", ""); rec.Code != http.StatusOK {
		t.Fatalf("DELETE = %d", rec.Code)
	}
	if rec := call(e, http.MethodGet, "/orders", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("after clear = %d, want 200", rec.Code)
	}
}

func TestNoTokenNoEndpoint(t *testing.T) {
	e := newEcho(New(), "")
	if rec := call(e, http.MethodGet, "/admin/faults", "", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("without ADMIN_TOKEN /admin/faults = %d, want 404", rec.Code)
	}
	_ = io.Discard
}

// TestAfterCommitCrashesAtTheNthCommit: the fault exits at the n-th crash
// point after it was set, not before, and not at all when it is off.
func TestAfterCommitCrashesAtTheNthCommit(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		name      string
		crashAt   int
		points    int
		wantExits []int // the crash point (1-based) at which Exit was called
	}{
		{"off: never exits", 0, 5, nil},
		{"first commit", 1, 3, []int{1, 2, 3}},
		{"third commit", 3, 4, []int{3, 4}},
		{"not reached", 5, 4, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := New()
			var exits []int
			point := 0
			in.Exit = func(code int) {
				if code != CrashExitCode {
					t.Errorf("exit code %d, want %d", code, CrashExitCode)
				}
				exits = append(exits, point)
			}
			in.AfterCommit(context.Background(), log, "before the fault was set")
			if err := in.Set(Settings{CrashAfterCommit: c.crashAt}); err != nil {
				t.Fatal(err)
			}
			for point = 1; point <= c.points; point++ {
				in.AfterCommit(context.Background(), log, "order committed")
			}
			if !slices.Equal(exits, c.wantExits) {
				t.Fatalf("exited at crash points %v, want %v", exits, c.wantExits)
			}
		})
	}
}

func TestCrashAfterCommitValidates(t *testing.T) {
	in := New()
	for _, n := range []int{-1, MaxCrashAfterCommit + 1} {
		if err := in.Set(Settings{CrashAfterCommit: n}); err == nil {
			t.Errorf("crash_after_commit %d accepted", n)
		}
	}
}

// TestDeclineDrawsOncePerCharge: Decline is true for a draw below
// decline_rate, false at or above it, and never without the fault; the other
// faults do not decline.
func TestDeclineDrawsOncePerCharge(t *testing.T) {
	in := New()
	draws := 0
	in.rand = func() float64 { draws++; return []float64{0.29, 0.3, 0.99}[(draws-1)%3] }
	if err := in.Set(Settings{ErrorRate: 1, Latency: Duration(time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if in.Decline() || draws != 0 {
		t.Fatalf("without decline_rate: declined, or drew %d times", draws)
	}
	if err := in.Set(Settings{DeclineRate: 0.3}); err != nil {
		t.Fatal(err)
	}
	got := []bool{in.Decline(), in.Decline(), in.Decline()}
	if !slices.Equal(got, []bool{true, false, false}) || draws != 3 {
		t.Fatalf("draws 0.29, 0.3, 0.99 against 0.3 = %v (%d draws), want [true false false], one draw each", got, draws)
	}
	if err := in.Apply(context.Background()); err != nil {
		t.Fatalf("decline_rate alone fails Apply: %v", err)
	}
	if err := in.Set(Settings{DeclineRate: 1}); err != nil || !in.Decline() {
		t.Fatalf("decline_rate 1: Set = %v; every charge must be declined", err)
	}
}

func TestDeclineRateValidates(t *testing.T) {
	in := New()
	for _, r := range []float64{-0.1, 1.01, math.NaN()} {
		if err := in.Set(Settings{DeclineRate: r}); err == nil || !strings.Contains(err.Error(), "decline_rate") {
			t.Errorf("decline_rate %g: Set = %v, want a decline_rate error", r, err)
		}
	}
	e := newEcho(in, "s3cret")
	if rec := call(e, http.MethodPut, "/admin/faults", "s3cret", `{"decline_rate":1.5}`); rec.Code != http.StatusBadRequest {
		t.Fatalf("PUT decline_rate 1.5 = %d, want 400", rec.Code)
	}
	rec := call(e, http.MethodPut, "/admin/faults", "s3cret", `{"decline_rate":0.25}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"decline_rate":0.25`) {
		t.Fatalf("PUT decline_rate 0.25 = %d %s", rec.Code, rec.Body)
	}
}
