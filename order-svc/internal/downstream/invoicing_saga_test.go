package downstream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

// A 402 payment-declined problem is a decline, not an unavailable service.
func TestInvoicingIssueDeclined(t *testing.T) {
	url, _ := answer(t, 402, "application/problem+json", `{"type":"https://orderflow.dev/problems/payment-declined","title":"Payment declined","status":402,"detail":"charge of 1890 cents exceeds the remaining credit of 0 cents"}`)
	_, _, err := (&Invoicing{BaseURL: url, HTTP: http.DefaultClient}).Issue(context.Background(), orderID, "cust-broke", []order.Line{{SKU: "SKU-001", Qty: 1}})
	var d *placing.DeclinedError
	if !errors.As(err, &d) || d.Detail != "charge of 1890 cents exceeds the remaining credit of 0 cents" {
		t.Fatalf("err = %v (%T), want a DeclinedError with the problem's detail", err, err)
	}
	if placing.IsUnavailable(err) {
		t.Fatal("a decline is reported as an unavailable service (the order would say 503, retry)")
	}
	url, _ = answer(t, 402, "text/plain", `no`)
	if _, _, err := (&Invoicing{BaseURL: url, HTTP: http.DefaultClient}).Issue(context.Background(), orderID, "c", nil); !placing.IsDeclined(err) {
		t.Fatalf("402 without a problem: err = %v, want a decline", err)
	}
}

func TestInvoicingVoid(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"voided", 200, false},
		{"unknown invoice", 404, true},
		{"not voidable", 409, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := "application/json"
			if tc.status >= 400 {
				ctype = "application/problem+json"
			}
			url, reqs := answer(t, tc.status, ctype, `{"type":"https://orderflow.dev/problems/x","title":"x","status":`+http.StatusText(tc.status)+`,"detail":"d"}`)
			err := (&Invoicing{BaseURL: url, HTTP: http.DefaultClient}).Void(context.Background(), resID)
			got := <-reqs
			if got.Method != http.MethodPost || got.URL.Path != "/invoices/"+resID+"/void" {
				t.Errorf("request = %s %s", got.Method, got.URL.Path)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// A full invoicing-svc (503) did nothing: Void tries again until it is served.
func TestInvoicingVoidRetriesWhileFull(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := (&Invoicing{BaseURL: srv.URL, HTTP: http.DefaultClient}).Void(ctx, resID); err != nil || calls.Load() != 3 {
		t.Fatalf("Void = %v after %d calls, want success on the third", err, calls.Load())
	}
}
