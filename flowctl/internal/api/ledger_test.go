package api

import (
	"context"
	"strings"
	"testing"
)

// TestOrdersPageAsksForPlacementOrder: without `after` order-svc lists only
// the newest orders, so the first page must send an empty one.
func TestOrdersPageAsksForPlacementOrder(t *testing.T) {
	srv, got := serve(t, 200, "application/json", `{"count":1,"orders":[{"id":"o1","status":"CONFIRMED"}],"next_after":"o1"}`)
	orders, next, err := NewOrders(srv.URL, nil).Page(context.Background(), "", 500)
	if err != nil || len(orders) != 1 || next != "o1" {
		t.Fatalf("orders %v, next %q, err %v", orders, next, err)
	}
	if !strings.HasPrefix(*got, "GET /orders?") || !strings.Contains(*got, "after=&") && !strings.HasSuffix(strings.TrimSpace(*got), "after=") {
		t.Errorf("request %q sends no empty after", *got)
	}
}

func TestLedgerPagesPassTheirCursor(t *testing.T) {
	srv, got := serve(t, 200, "application/json", `{"count":0,"reservations":[],"invoices":[]}`)
	inv, bill := NewInventory(srv.URL, nil), NewInvoicing(srv.URL, nil)
	if _, _, err := inv.Reservations(context.Background(), "r9", 2); err != nil || !strings.Contains(*got, "after=r9") || !strings.Contains(*got, "limit=2") {
		t.Errorf("reservations: %v; request %q", err, *got)
	}
	if _, _, err := bill.Invoices(context.Background(), "", 3); err != nil || strings.Contains(*got, "after") || !strings.Contains(*got, "limit=3") {
		t.Errorf("invoices: %v; request %q", err, *got)
	}
}
