package httpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/orderflow/platform/httpserver"
	"github.com/orderflow/platform/problem"
)

// TestMalformedRequestsGetProblems: what net/http hands on malformed is
// answered 400 problem+json naming the part at fault; what it refuses
// itself is listed in docs/operations.md.
func TestMalformedRequestsGetProblems(t *testing.T) {
	e := newGuarded(t)
	tests := []struct{ name, rawPath, rawQuery, field string }{
		{"bad escape in the query", "/orders", "limit=%zz", "query"},
		{"half an escape in the query", "/orders", "limit=5&x=%2", "query"},
		{"semicolon in the query", "/orders", "a=1;b=2", "query"},
		{"NUL in the path", "/orders/\x00", "", "path"},
		{"ESC in the path", "/orders/\x1b[2J", "", "path"},
		{"not UTF-8 in the path", "/orders/\xc3(", "", "path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(http.MethodGet, "/orders", nil)
			req.URL.Path, req.URL.RawQuery = tt.rawPath, tt.rawQuery
			rec, p := serve(t, e, req)
			if rec.Code != http.StatusBadRequest || !strings.HasPrefix(rec.Header().Get("Content-Type"), problem.ContentType) ||
				len(p.Errors) != 1 || p.Errors[0].Field != tt.field {
				t.Fatalf("= %d %q %+v, want 400 problem naming %s", rec.Code, rec.Header().Get("Content-Type"), p, tt.field)
			}
		})
	}
	for _, ok := range []struct{ path, query string }{{"/orders", "limit=5&status=PENDING"}, {"/orders", "q=%C3%BC"}, {"/orders", ""}} {
		req := newRequest(http.MethodGet, "/orders", nil)
		req.URL.Path, req.URL.RawQuery = ok.path, ok.query
		if rec, _ := serve(t, e, req); rec.Code != http.StatusCreated {
			t.Errorf("GET %s?%s = %d, want it served", ok.path, ok.query, rec.Code)
		}
	}
}

// TestServerBoundsHeaders: the header size and time bounds New sets reach
// the http.Server Serve runs.
func TestServerBoundsHeaders(t *testing.T) {
	e := newGuarded(t)
	if e.Server.MaxHeaderBytes != 64<<10 || e.Server.ReadHeaderTimeout.String() != "2s" {
		t.Fatalf("MaxHeaderBytes %d, ReadHeaderTimeout %s; want 65536 and the 2s default of HTTP_BODY_TIMEOUT", e.Server.MaxHeaderBytes, e.Server.ReadHeaderTimeout)
	}
}

// serveOn runs Serve on a loopback listener until the test ends.
func serveOn(t *testing.T, e *echo.Echo) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = httpserver.Serve(ctx, e, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// TestServeAnswersWhatNetHTTPRefuses pins what docs/operations.md says
// net/http answers itself: headers over MaxHeaderBytes get its 431 (in
// text/plain), headers that do not arrive within HTTP_BODY_TIMEOUT get the
// connection closed.
func TestServeAnswersWhatNetHTTPRefuses(t *testing.T) {
	e := httpserver.New(httpserver.Options{
		Service: "test-svc", Mode: "sync", Logger: slog.New(slog.DiscardHandler),
		Tracer: sdktrace.NewTracerProvider(), Propagator: propagation.TraceContext{},
		Registry: httpserver.NewRegistry(), BodyTimeout: 300 * time.Millisecond,
	})
	addr := serveOn(t, e)

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 100<<10))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KiB of headers = %v, %v; want net/http's 431", resp, err)
	}

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprint(slow, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	// Far beyond the 300 ms set above, and short of the 15 s ReadTimeout
	// that would close it without a header deadline.
	_ = slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := slow.Read(make([]byte, 1))
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("headers never finished: read %d bytes, %v; want the server to close the connection", n, err)
	}
}
