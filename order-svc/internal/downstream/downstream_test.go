package downstream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

const (
	orderID = "5b3e1a2c-7d4f-4a6b-9c8d-0e1f2a3b4c5d"
	resID   = "6c4f2b3d-8e5a-4b7c-8d9e-1f2a3b4c5d6e"
)

// answer serves one canned answer; the request it got arrives on the channel.
func answer(t *testing.T, status int, ctype, body string) (string, <-chan *http.Request) {
	t.Helper()
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Clone(context.Background())
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func reservation(status string) string {
	return `{"reservation_id":"` + resID + `","order_id":"` + orderID + `","status":"` + status + `","items":[{"sku":"SKU-001","qty":1}],"created_at":"2026-01-01T00:00:00Z"}`
}

func TestInventoryReserve(t *testing.T) {
	for _, tc := range []struct {
		name         string
		status       int
		ctype, body  string
		wantID       string
		wantOut      bool // OutOfStockError
		wantUnavail  bool // UnavailableError
		wantInDetail string
	}{
		{"created", 201, "application/json", reservation("RESERVED"), resID, false, false, ""},
		{"repeat", 200, "application/json", reservation("RESERVED"), resID, false, false, ""},
		{"out of stock", 409, "application/problem+json", `{"type":"https://orderflow.dev/problems/out-of-stock","title":"Out of stock","status":409,"detail":"SKU SKU-005: 5 requested, 3 available","sku":"SKU-005","requested":5,"available":3}`, "", true, false, "5 requested"},
		{"server error", 500, "application/problem+json", `{"type":"https://orderflow.dev/problems/internal","title":"Internal","status":500,"detail":"boom"}`, "", false, true, "HTTP 500: boom"},
		{"fault injection, not a problem", 503, "text/plain", `nope`, "", false, true, "HTTP 503"},
		{"created, body garbled", 201, "application/json", `{"reservation_id":`, "", false, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, reqs := answer(t, tc.status, tc.ctype, tc.body)
			c := &Inventory{BaseURL: url, HTTP: http.DefaultClient}
			id, err := c.Reserve(context.Background(), orderID, []order.Line{{SKU: "SKU-001", Qty: 1}})
			got := <-reqs
			if got.Method != http.MethodPost || got.URL.Path != "/reservations" || got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("request = %s %s (%s)", got.Method, got.URL.Path, got.Header.Get("Content-Type"))
			}
			if id != tc.wantID {
				t.Errorf("id = %q, want %q", id, tc.wantID)
			}
			var oos *placing.OutOfStockError
			var un *placing.UnavailableError
			if errors.As(err, &oos) != tc.wantOut || errors.As(err, &un) != tc.wantUnavail {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if oos != nil && oos.SKU != "SKU-005" {
				t.Errorf("out of stock SKU = %q", oos.SKU)
			}
			if tc.wantInDetail != "" && !strings.Contains(err.Error(), tc.wantInDetail) {
				t.Errorf("err = %v, want it to say %q", err, tc.wantInDetail)
			}
		})
	}
}

func TestInventoryRelease(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		wantErr bool
	}{
		{"released", 200, reservation("RELEASED"), false},
		{"unknown", 404, `{"type":"https://orderflow.dev/problems/not-found","title":"Not found","status":404,"detail":"no reservation"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := "application/json"
			if tc.status >= 400 {
				ctype = "application/problem+json"
			}
			url, reqs := answer(t, tc.status, ctype, tc.body)
			err := (&Inventory{BaseURL: url, HTTP: http.DefaultClient}).Release(context.Background(), resID)
			got := <-reqs
			if got.Method != http.MethodPost || got.URL.Path != "/reservations/"+resID+"/release" {
				t.Errorf("request = %s %s", got.Method, got.URL.Path)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestInvoicingIssue(t *testing.T) {
	invoice := `{"invoice_id":"` + resID + `","order_id":"` + orderID + `","customer_id":"c","lines":[],"total_cents":1890,"currency":"EUR","issued_at":"2026-01-01T00:00:00Z"}`
	for _, tc := range []struct {
		name      string
		status    int
		ctype     string
		body      string
		wantTotal int64
		wantErr   string
	}{
		{"created", 201, "application/json", invoice, 1890, ""},
		{"repeat", 200, "application/json", invoice, 1890, ""},
		{"no price", 422, "application/problem+json", `{"type":"https://orderflow.dev/problems/no-price","title":"No price","status":422,"detail":"no price for SKU-999","sku":"SKU-999"}`, 0, "HTTP 422: no price for SKU-999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := answer(t, tc.status, tc.ctype, tc.body)
			id, total, err := (&Invoicing{BaseURL: url, HTTP: http.DefaultClient}).Issue(context.Background(), orderID, "c", []order.Line{{SKU: "SKU-001", Qty: 1}})
			if tc.wantErr != "" {
				var un *placing.UnavailableError
				if !errors.As(err, &un) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want an UnavailableError saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || id != resID || total != tc.wantTotal {
				t.Fatalf("Issue = %q, %d, %v", id, total, err)
			}
		})
	}
}
