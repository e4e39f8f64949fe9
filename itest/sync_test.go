package itest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/orderflow/platform/config"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

func TestSyncConfirmedAndRejected(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync})

	r := s.place("c-1", item("SKU-001", 2), item("SKU-003", 1))
	if r.status != http.StatusCreated {
		t.Fatalf("POST /orders = %d %s, want 201", r.status, r.body)
	}
	var o orderView
	r.decode(t, &o)
	if o.Status != "CONFIRMED" || !o.Final || o.InvoiceID == "" || o.TotalCents != 2*1890+1250 {
		t.Fatalf("order = %+v, want CONFIRMED with invoice and total 5030", o)
	}
	if got, want := o.steps(), []string{"placed", "reserved", "invoiced", "confirmed"}; !slices.Equal(got, want) {
		t.Fatalf("timeline = %v, want %v", got, want)
	}
	if loc := r.header.Get("Location"); loc != "/orders/"+o.ID {
		t.Fatalf("Location = %q", loc)
	}
	if got := s.getOrder(o.ID); got.Status != "CONFIRMED" {
		t.Fatalf("GET after 201 = %s", got.Status)
	}

	// SKU-005 has 3 on hand: 5 is always rejected, and nothing is reserved.
	r = s.place("c-2", item("SKU-005", 5))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusConflict || r.header.Get("Content-Type") != "application/problem+json" || p.OrderID == "" {
		t.Fatalf("out of stock = %d %s %s, want 409 problem with order_id", r.status, r.header.Get("Content-Type"), r.body)
	}
	if got := s.getOrder(p.OrderID); got.Status != "REJECTED" || got.Reason == "" {
		t.Fatalf("rejected order = %+v", got)
	}
	var st struct{ Reserved int }
	do(t, http.MethodGet, s.url[inventory.Name]+"/stock/SKU-005", nil).decode(t, &st)
	if st.Reserved != 0 {
		t.Fatalf("SKU-005 reserved = %d after a rejection, want 0", st.Reserved)
	}
}

func TestSyncInventoryDown(t *testing.T) {
	// inventory-svc is not running: its port is closed.
	s := startStack(t, stackOpts{mode: config.ModeSync, skip: map[string]bool{inventory.Name: true}})
	r := s.place("c-1", item("SKU-001", 1))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusServiceUnavailable || p.OrderID == "" || r.header.Get("Retry-After") == "" {
		t.Fatalf("inventory down = %d %s, want 503 problem with order_id and Retry-After", r.status, r.body)
	}
	if got := s.getOrder(p.OrderID); got.Status != "FAILED" {
		t.Fatalf("order = %s, want FAILED", got.Status)
	}
}

func TestSyncInventoryTimeout(t *testing.T) {
	// A hanging inventory: answers only when the client gives up.
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			return
		}
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release)
	s := startStack(t, stackOpts{mode: config.ModeSync, env: map[string]map[string]string{
		orders.Name: {"INVENTORY_URL": hang.URL, "HTTP_CLIENT_TIMEOUT": "150ms"},
	}})
	r := s.place("c-1", item("SKU-001", 1))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusServiceUnavailable || p.OrderID == "" {
		t.Fatalf("inventory hanging = %d %s, want 503", r.status, r.body)
	}
	if got := s.getOrder(p.OrderID); got.Status != "FAILED" {
		t.Fatalf("order = %s, want FAILED", got.Status)
	}
}

func TestSyncCompensationWhenInvoicingFails(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer broken.Close()
	s := startStack(t, stackOpts{mode: config.ModeSync, skip: map[string]bool{invoicing.Name: true}, env: map[string]map[string]string{
		orders.Name: {"INVOICING_URL": broken.URL},
	}})
	var before struct{ Reserved int }
	do(t, http.MethodGet, s.url[inventory.Name]+"/stock/SKU-002", nil).decode(t, &before)

	r := s.place("c-1", item("SKU-002", 4))
	var p problemView
	r.decode(t, &p)
	if r.status != http.StatusServiceUnavailable || p.OrderID == "" {
		t.Fatalf("invoicing failing = %d %s, want 503", r.status, r.body)
	}
	o := s.getOrder(p.OrderID)
	if o.Status != "FAILED" || !slices.Contains(o.steps(), "reserved") {
		t.Fatalf("order = %+v, want FAILED after a reservation", o)
	}
	var after struct{ Reserved int }
	do(t, http.MethodGet, s.url[inventory.Name]+"/stock/SKU-002", nil).decode(t, &after)
	if after.Reserved != before.Reserved {
		t.Fatalf("SKU-002 reserved %d → %d: the reservation was not released", before.Reserved, after.Reserved)
	}
	if n, err := s.inventory.Store.ReservationCount(t.Context(), p.OrderID); err != nil || n != 1 {
		t.Fatalf("reservations of the order = %d, %v; want 1 (released, kept for audit)", n, err)
	}
}

func TestSyncValidation(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync})
	big := `{"customer_id":"c","items":[{"sku":"SKU-001","qty":1}],"pad":"` + string(make([]byte, 70<<10)) + `"}`
	cases := []struct {
		name, body, field string
	}{
		{"unknown field", `{"customer_id":"c","items":[{"sku":"SKU-001","qty":1}],"coupon":"X"}`, "coupon"},
		{"empty items", `{"customer_id":"c","items":[]}`, "items"},
		{"qty zero", `{"customer_id":"c","items":[{"sku":"SKU-001","qty":0}]}`, "items[0].qty"},
		{"qty too big", `{"customer_id":"c","items":[{"sku":"SKU-001","qty":1001}]}`, "items[0].qty"},
		{"malformed sku", `{"customer_id":"c","items":[{"sku":"sku 1","qty":1}]}`, "items[0].sku"},
		{"no customer", `{"items":[{"sku":"SKU-001","qty":1}]}`, "customer_id"},
		{"not json", `{"customer_id":`, "body"},
		{"too large", big, "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, http.MethodPost, s.url[orders.Name]+"/orders", c.body)
			var p problemView
			r.decode(t, &p)
			if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("= %d %q %s, want 400 problem+json", r.status, r.header.Get("Content-Type"), r.body)
			}
			found := false
			for _, e := range p.Errors {
				found = found || e.Field == c.field
			}
			if !found {
				t.Fatalf("errors = %+v, want one for %q", p.Errors, c.field)
			}
		})
	}
	var list struct{ Count int }
	do(t, http.MethodGet, s.url[orders.Name]+"/orders?limit=100", nil).decode(t, &list)
	if list.Count != 0 {
		t.Fatalf("%d orders stored after only invalid requests, want 0", list.Count)
	}
}
