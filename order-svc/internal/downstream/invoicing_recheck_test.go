package downstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

const invID = "7d5a3c4e-9f6b-4c8d-9e0f-2a3b4c5d6e7f"

var oneLine = []order.Line{{SKU: "SKU-001", Qty: 1}}

func invoiceJSON(status string) string {
	return `{"invoice_id":"` + invID + `","order_id":"` + orderID + `","customer_id":"c","status":"` + status + `","total_cents":1890,"currency":"EUR"}`
}

// Issue says whether invoicing can have acted on a failed call: not when it
// was not reached or answered 503 (before handling); maybe otherwise.
func TestInvoicingIssueUnsent(t *testing.T) {
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close() // its port now refuses connections
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client hanging up
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	full, _ := answer(t, 503, "application/problem+json", `{"type":"https://orderflow.dev/problems/overloaded","title":"x","status":503,"detail":"full"}`)
	boom, _ := answer(t, 500, "application/problem+json", `{"type":"https://orderflow.dev/problems/internal","title":"x","status":500,"detail":"boom"}`)
	for _, tc := range []struct {
		name, url  string
		wantUnsent bool
	}{
		{"connection refused", refused.URL, true},
		{"503", full, true},
		{"500", boom, false},
		{"timeout", slow.URL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Invoicing{BaseURL: tc.url, HTTP: &http.Client{Timeout: 100 * time.Millisecond}}
			_, _, err := c.Issue(context.Background(), orderID, "c", oneLine)
			if !placing.IsUnavailable(err) || placing.IsUnsent(err) != tc.wantUnsent {
				t.Fatalf("err = %v, unsent %v; want unavailable, unsent %v", err, placing.IsUnsent(err), tc.wantUnsent)
			}
		})
	}
}

func TestInvoicingRecheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		wantID  string
		wantErr bool
	}{
		{"the first call's invoice", 200, invoiceJSON("ISSUED"), invID, false},
		{"charged now", 201, invoiceJSON("ISSUED"), invID, false},
		{"declined", 402, `{"type":"https://orderflow.dev/problems/payment-declined","title":"x","status":402,"detail":"over"}`, "", false},
		{"voided", 409, `{"type":"https://orderflow.dev/problems/invoice-voided","title":"x","status":409,"detail":"voided"}`, "", false},
		{"cannot tell", 500, `{"type":"https://orderflow.dev/problems/internal","title":"x","status":500,"detail":"boom"}`, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := "application/json"
			if tc.status >= 400 {
				ctype = "application/problem+json"
			}
			url, reqs := answer(t, tc.status, ctype, tc.body)
			id, err := (&Invoicing{BaseURL: url, HTTP: http.DefaultClient}).Recheck(context.Background(), orderID, "c", oneLine)
			if got := <-reqs; got.Method != http.MethodPost || got.URL.Path != "/invoices" {
				t.Errorf("request = %s %s, want POST /invoices", got.Method, got.URL.Path)
			}
			if id != tc.wantID || (err != nil) != tc.wantErr {
				t.Fatalf("Recheck = %q, %v; want %q, error %v", id, err, tc.wantID, tc.wantErr)
			}
		})
	}
}

// A 503 did nothing: Recheck asks again until it gets an answer.
func TestInvoicingRecheckRetriesWhileFull(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(invoiceJSON("ISSUED")))
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if id, err := (&Invoicing{BaseURL: srv.URL, HTTP: http.DefaultClient}).Recheck(ctx, orderID, "c", oneLine); id != invID || err != nil || calls.Load() != 3 {
		t.Fatalf("Recheck = %q, %v after %d calls; want the invoice on the third", id, err, calls.Load())
	}
}

// The sync gap: invoicing slower than HTTP_CLIENT_TIMEOUT. The charge's
// answer is lost to the timeout, but the compensation's calls (recheck,
// void, release) are bounded by their context, not by that timeout, so they
// are answered. The same holds for inventory-svc's.
func TestCompensationsOutliveTheCallTimeout(t *testing.T) {
	var issued atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond) // as the latency fault: the work is done, late
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/invoices":
			status := http.StatusCreated
			if issued.Swap(true) {
				status = http.StatusOK
			}
			w.WriteHeader(status)
			_, _ = w.Write([]byte(invoiceJSON("ISSUED")))
		case "/invoices/" + invID + "/void":
			_, _ = w.Write([]byte(invoiceJSON("VOIDED")))
		case "/reservations":
			_, _ = w.Write([]byte(reservation("RESERVED")))
		case "/reservations/" + resID + "/release":
			_, _ = w.Write([]byte(reservation("RELEASED")))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	hc := &http.Client{Timeout: 50 * time.Millisecond}
	bill := &Invoicing{BaseURL: srv.URL, HTTP: hc}
	if _, _, err := bill.Issue(context.Background(), orderID, "c", oneLine); !placing.IsUnavailable(err) || placing.IsUnsent(err) {
		t.Fatalf("Issue = %v, want a timeout that may have charged", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	id, err := bill.Recheck(ctx, orderID, "c", oneLine)
	if err != nil || id != invID {
		t.Fatalf("Recheck = %q, %v; want %s", id, err, invID)
	}
	if err := bill.Void(ctx, id); err != nil {
		t.Fatalf("Void: %v", err)
	}
	stock := &Inventory{BaseURL: srv.URL, HTTP: hc}
	if id, err := stock.Recheck(ctx, orderID, oneLine); err != nil || id != resID {
		t.Fatalf("Inventory.Recheck = %q, %v; want %s", id, err, resID)
	}
	if err := stock.Release(ctx, resID); err != nil {
		t.Fatalf("Release: %v", err)
	}
	// The compensation's own bound still holds.
	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	if err := bill.Void(short, invID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Void past its context = %v, want the deadline", err)
	}
}
