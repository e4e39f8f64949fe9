package cmd

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := New(Env{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &out, Dir: t.TempDir()})
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// fakeOrderSvc serves h as the events stack's order-svc of a port base and
// returns that base.
func fakeOrderSvc(t *testing.T, h http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := ln.Addr().(*net.TCPAddr).Port - 101 // order-svc of the events stack is base+101
	if base < 1024 {
		ln.Close()
		t.Skip("ephemeral port too low for a port base")
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}

func TestTraceUnknownOrder(t *testing.T) {
	base := fakeOrderSvc(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"title":"Not Found","status":404,"detail":"no such order"}`))
	}))
	_, err := runCLI(t, "trace", "--mode", "events", "--port-base", strconv.Itoa(base), "00000000-0000-4000-8000-000000000000")
	if err == nil || !strings.Contains(err.Error(), "is not known to the events stack's order-svc") {
		t.Errorf("err = %v", err)
	}
}

func TestTraceFlags(t *testing.T) {
	if _, err := runCLI(t, "trace", "--mode", "events", "--width", "5", "abc"); err == nil || !strings.Contains(err.Error(), "--width 5") {
		t.Errorf("width: err = %v", err)
	}
	if _, err := runCLI(t, "trace", "--mode", "events"); err == nil {
		t.Error("no ORDER_ID: want an error")
	}
}
