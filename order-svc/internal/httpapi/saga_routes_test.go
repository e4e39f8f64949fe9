package httpapi

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/orderflow/order-svc/internal/cancel"
	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
	"github.com/orderflow/order-svc/internal/store"
)

// Sync: a declined payment is 402 payment-declined; a suspected fraud
// (FRAUD_CHECK=on) 403 fraud-suspected; an order cancelled while it was
// placed is 409 order-cancelled. All name the order.
func TestPlaceOrderDeclinedOrCancelled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		placer  *fakePlacer
		code    int
		kind    string
		status  string
		noRetry bool
	}{
		{"declined", &fakePlacer{status: order.Failed, reason: "payment declined: over the limit", err: &placing.DeclinedError{Detail: "over the limit"}}, 402, "payment-declined", "FAILED", true},
		{"cancelled while placed", &fakePlacer{status: order.Cancelled}, 409, "order-cancelled", "CANCELLED", true},
		{"fraud suspected", &fakePlacer{status: order.Failed, reason: "fraud suspected: customer cust-fraud is flagged", err: &placing.SuspectedError{Detail: "customer cust-fraud is flagged"}}, 403, "fraud-suspected", "FAILED", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newAPI(t, tc.placer)
			r := call(t, e, http.MethodPost, "/orders", validBody, "application/json")
			if r.code != tc.code || r.body["type"] != "https://orderflow.dev/problems/"+tc.kind || r.body["order_status"] != tc.status {
				t.Fatalf("answer = %d %s", r.code, r.raw)
			}
			if r.hdr.Get("Location") == "" || r.body["order_id"] == nil || r.hdr.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("the problem does not name the order: %v %s", r.hdr, r.raw)
			}
			if tc.noRetry && r.hdr.Get("Retry-After") != "" {
				t.Fatalf("Retry-After on %s: retrying will not help", tc.name)
			}
		})
	}
}

// fakeCanceller answers what the test chose.
type fakeCanceller struct {
	status  order.Status
	pending bool
	err     error
	ids     []string
}

func (f *fakeCanceller) Cancel(_ context.Context, id string) (order.Order, bool, error) {
	f.ids = append(f.ids, id)
	o := order.New(id, order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", t0)
	o.Status = f.status
	if f.status == order.Cancelled {
		o.Reason, o.CancelledAt = "customer", t0.Add(time.Second)
	}
	return o, f.pending, f.err
}

func TestCancelOrder(t *testing.T) {
	const id = "0b6f3c4e-6a8e-4d5b-9a55-1f4f0c9d2e11"
	for _, tc := range []struct {
		name string
		c    *fakeCanceller
		path string
		code int
		kind string // problem type, "" = an order
	}{
		{"events: cancelled, compensations follow", &fakeCanceller{status: order.Cancelled, pending: true}, id, 202, ""},
		{"already cancelled, or sync: done", &fakeCanceller{status: order.Cancelled}, id, 200, ""},
		{"too late", &fakeCanceller{status: order.Confirmed, err: fmt.Errorf("x: %w", order.ErrFinal)}, id, 409, "order-final"},
		{"unknown", &fakeCanceller{err: fmt.Errorf("x: %w", cancel.ErrNotFound)}, id, 404, "not-found"},
		{"not a uuid", &fakeCanceller{}, "nope", 400, "validation"},
		{"canceller fails", &fakeCanceller{err: fmt.Errorf("disk full")}, id, 500, "internal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newAPIWith(t, &API{Placer: &fakePlacer{}, Canceller: tc.c})
			r := call(t, e, http.MethodPost, "/orders/"+tc.path+"/cancel", "", "")
			if r.code != tc.code {
				t.Fatalf("answer = %d %s, want %d", r.code, r.raw, tc.code)
			}
			if tc.kind == "" {
				if r.body["status"] != "CANCELLED" || r.body["reason"] != "customer" || r.body["final"] != true {
					t.Fatalf("body = %s, want the CANCELLED order", r.raw)
				}
				return
			}
			if r.body["type"] != "https://orderflow.dev/problems/"+tc.kind {
				t.Fatalf("problem = %s, want type %s", r.raw, tc.kind)
			}
			if tc.kind == "order-final" && r.body["order_status"] != "CONFIRMED" {
				t.Fatalf("409 does not say the order's status: %s", r.raw)
			}
		})
	}
}

// GET /orders?after= pages through every order in placement order; without
// after it still answers the newest first.
func TestListOrdersPaging(t *testing.T) {
	e, st := newAPI(t, &fakePlacer{})
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		o := order.New(fmt.Sprintf("%08d-0000-4000-8000-000000000000", 9-i), order.Draft{CustomerID: "c", Items: []order.Line{{SKU: "SKU-001", Qty: 1}}}, "", t0.Add(time.Duration(i)*time.Second))
		if err := st.InTx(ctx, func(tx *sql.Tx) error { return store.Insert(ctx, tx, o) }); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	var got []string
	path := "/orders?after=&limit=2"
	for pages := 0; pages < 5; pages++ {
		r := call(t, e, http.MethodGet, path, "", "")
		if r.code != 200 {
			t.Fatalf("GET %s = %d %s", path, r.code, r.raw)
		}
		for _, o := range r.body["orders"].([]any) {
			got = append(got, o.(map[string]any)["id"].(string))
		}
		next, ok := r.body["next_after"].(string)
		if !ok {
			break
		}
		path = "/orders?limit=2&after=" + next
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("paged %v, want %v", got, ids)
	}
	r := call(t, e, http.MethodGet, "/orders", "", "")
	first := r.body["orders"].([]any)[0].(map[string]any)["id"]
	if r.code != 200 || first != ids[4] || r.body["next_after"] != nil {
		t.Fatalf("GET /orders = %d, first %v; want the newest first, unpaged", r.code, first)
	}
	// A malformed after is a bad request; a well-formed one that names no
	// order is not found (the property contract test sends any id the spec allows).
	if r := call(t, e, http.MethodGet, "/orders?after=nope", "", ""); r.code != 400 || len(r.fields()) != 1 || r.fields()[0] != "after" {
		t.Fatalf("GET /orders?after=nope = %d %s, want 400 on after", r.code, r.raw)
	}
	if r := call(t, e, http.MethodGet, "/orders?after=ffffffff-0000-4000-8000-000000000000", "", ""); r.code != 404 {
		t.Fatalf("GET /orders?after=<no order> = %d %s, want 404", r.code, r.raw)
	}
}
