package httpserver_test

import (
	"net/http"
	"strings"
	"testing"

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
