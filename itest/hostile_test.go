package itest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/problem"

	inventory "github.com/orderflow/inventory-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// rawPost sends a POST with the given Host, Origin and Content-Type
// ("" leaves a header out) and returns the status and content type.
func rawPost(t *testing.T, url, host, origin, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range map[string]string{"Origin": origin, "Content-Type": contentType} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Content-Type")
}

// The hostile page and slow client against the real wiring
// (config → service kit → httpserver), HTTP_ALLOWED_HOSTS and
// HTTP_BODY_TIMEOUT read from the environment.
func TestHostileClientsAreRefused(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync, env: map[string]map[string]string{
		orders.Name:    {"HTTP_ALLOWED_HOSTS": "shop.example", "HTTP_BODY_TIMEOUT": "300ms"},
		inventory.Name: {"HTTP_ALLOWED_HOSTS": "shop.example"},
	}})
	order := `{"customer_id":"c-hostile","items":[{"sku":"SKU-001","qty":1}]}`
	receipt := `{"quantity":1}`
	for _, tc := range []struct {
		name, url, host, origin, contentType, body string
		want                                       int
	}{
		{"DNS rebinding: POST /orders", s.url[orders.Name] + "/orders", "evil.example:8181", "", "application/json", order, 421},
		{"DNS rebinding: POST receipts", s.url[inventory.Name] + "/stock/SKU-005/receipts", "evil.example", "", "application/json", receipt, 421},
		{"DNS rebinding: POST /reservations", s.url[inventory.Name] + "/reservations", "evil.example", "", "application/json", `{}`, 421},
		{"no-cors blob from a page", s.url[orders.Name] + "/orders", "", "http://evil.example", "", order, 403},
		{"no-cors blob without Origin", s.url[orders.Name] + "/orders", "", "", "", order, 415},
		{"form post", s.url[orders.Name] + "/orders", "", "", "text/plain;charset=UTF-8", order, 415},
		{"allowed name", s.url[orders.Name] + "/orders", "shop.example:8181", "", "application/json", order, 201},
	} {
		if code, ct := rawPost(t, tc.url, tc.host, tc.origin, tc.contentType, tc.body); code != tc.want || (code >= 400 && ct != problem.ContentType) {
			t.Errorf("%s = %d %q, want %d", tc.name, code, ct, tc.want)
		}
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url[orders.Name], "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusRequestTimeout || res.Header.Get("Content-Type") != problem.ContentType {
		t.Fatalf("a body that stops = %v, %v; want 408 problem+json after HTTP_BODY_TIMEOUT", res, err)
	}
}
