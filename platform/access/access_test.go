package access_test

import (
	"testing"

	"github.com/orderflow/platform/access"
)

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.1:8090": true, "localhost:8090": true, "LocalHost": true, "[::1]:8090": true,
		"127.9.9.9": true, "app.localhost": true, "localhost.": true,
		"10.0.0.5:8090": false, "evil.example": false, "localhost.evil.example": false, "": false, "[::]:80": false,
	} {
		if got := access.Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestServiceHostNeedsAName(t *testing.T) {
	if !access.ServiceHost("orders.example.com:443", []string{"orders.example.com"}) || access.ServiceHost("orders.example.com", nil) {
		t.Error("an allowed name must pass only when allowed")
	}
	if !access.ServiceHost("anything.example", []string{access.AnyHost}) {
		t.Error("* must allow any name")
	}
	for _, h := range []string{"order-svc-orchestration:8080", "inventory-svc-events", "invoicing-svc-sync:8080"} {
		if !access.ServiceHost(h, nil) {
			t.Errorf("%s, a compose container of a stack, must pass", h)
		}
	}
	if access.ServiceHost("order-svc-choreography:8080", nil) {
		t.Error("a container name no compose stack has must not pass")
	}
}

func TestSameOriginAndJSONBody(t *testing.T) {
	if !access.SameOrigin("http://127.0.0.1:8181", "127.0.0.1:8181") || access.SameOrigin("http://127.0.0.1:8090", "127.0.0.1:8181") ||
		access.SameOrigin("null", "127.0.0.1:8181") || access.SameOrigin("file://x", "x") {
		t.Error("SameOrigin must accept only the request's own scheme://host")
	}
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "application/merge-patch+json": true,
		"": false, "text/plain;charset=UTF-8": false, "application/x-www-form-urlencoded": false, "multipart/form-data; boundary=x": false,
		"application/json; =": false,
	} {
		if got := access.JSONBody(ct); got != want {
			t.Errorf("JSONBody(%q) = %v, want %v", ct, got, want)
		}
	}
}
