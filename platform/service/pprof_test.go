package service

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestServePprof(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- servePprof(ctx, addr) }()
	var res *http.Response
	for deadline := time.Now().Add(5 * time.Second); ; {
		if res, err = http.Get(fmt.Sprintf("http://%s/debug/pprof/goroutine?debug=1", addr)); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET goroutine profile: %v %v", res, err)
	}
	res.Body.Close()
	if res, err := http.Get(fmt.Sprintf("http://%s/orders", addr)); err == nil && res.StatusCode != http.StatusNotFound {
		t.Errorf("the pprof mux serves /orders: %d", res.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("servePprof after cancel: %v", err)
	}
}
