package httpserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
)

// newRequest is httptest.NewRequest addressed to loopback: the services
// refuse httptest's default Host, example.com, as a foreign name.
func newRequest(method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	r.Host = "127.0.0.1"
	return r
}

func newRequestWithContext(ctx context.Context, method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequestWithContext(ctx, method, target, body)
	r.Host = "127.0.0.1"
	return r
}
