package itest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/config"

	inventory "github.com/orderflow/inventory-svc/app"
	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The ledger check of the saga tests, read only from the services' APIs (as
// flowctl audit reads them): nothing holds stock or money for an order that
// did not complete.

type ledgerOrder struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	Status     string `json:"status"`
	Final      bool   `json:"final"`
}

type ledgerReservation struct {
	ID      string `json:"reservation_id"`
	OrderID string `json:"order_id"`
	Status  string `json:"status"`
}

type ledgerInvoice struct {
	ID         string `json:"invoice_id"`
	OrderID    string `json:"order_id"`
	CustomerID string `json:"customer_id"`
	Status     string `json:"status"`
	TotalCents int64  `json:"total_cents"`
}

// pageAll follows a ledger read (next_after until absent) and appends each
// page's items, found under member, to out. order-svc pages from the start
// with an empty after (without one it answers the newest orders); the
// others' first page is the one without after.
func pageAll[T any](s *stack, base, member string, out *[]T) error {
	after := ""
	for range 1000 {
		u := base + "&limit=500"
		if after != "" || strings.HasSuffix(base, "/orders?") {
			u += "&after=" + url.QueryEscape(after)
		}
		r := do(s.t, http.MethodGet, u, nil)
		if r.status != http.StatusOK {
			return fmt.Errorf("GET %s = %d %s", u, r.status, r.body)
		}
		var page map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &page); err != nil {
			return fmt.Errorf("GET %s: %w", u, err)
		}
		var items []T
		if err := json.Unmarshal(page[member], &items); err != nil {
			return fmt.Errorf("GET %s: %s: %w", u, member, err)
		}
		*out = append(*out, items...)
		next := ""
		if raw, ok := page["next_after"]; ok {
			_ = json.Unmarshal(raw, &next)
		}
		if next == "" {
			return nil
		}
		after = next
	}
	return fmt.Errorf("GET %s: more than 1000 pages", base)
}

// ledgerBreaches says every way the services disagree now (none: the ledger
// holds): each order is final; a CONFIRMED order has exactly one held
// reservation and one ISSUED invoice, any other order neither; no held
// reservation or ISSUED invoice belongs to an order order-svc does not have
// CONFIRMED; each customer's charged credit is the sum of its ISSUED
// invoices; inventory's stock agrees with its movements and reservations.
func (s *stack) ledgerBreaches() []string {
	var all []ledgerOrder
	var held []ledgerReservation
	var issued []ledgerInvoice
	for _, err := range []error{
		pageAll(s, s.url[orders.Name]+"/orders?", "orders", &all),
		pageAll(s, s.url[inventory.Name]+"/reservations?status=RESERVED", "reservations", &held),
		pageAll(s, s.url[invoicing.Name]+"/invoices?status=ISSUED", "invoices", &issued),
	} {
		if err != nil {
			return []string{err.Error()}
		}
	}
	var out []string
	confirmed := map[string]bool{}
	var customers []string
	for _, o := range all {
		if !o.Final {
			out = append(out, fmt.Sprintf("order %s is %s, not final", o.ID, o.Status))
		}
		confirmed[o.ID] = o.Status == "CONFIRMED"
		// An unknown_order row made from an InvoiceIssued names no customer.
		if o.CustomerID != "" && !slices.Contains(customers, o.CustomerID) {
			customers = append(customers, o.CustomerID)
		}
	}
	heldBy, issuedBy, charged := map[string]int{}, map[string]int{}, map[string]int64{}
	for _, r := range held {
		heldBy[r.OrderID]++
		if !confirmed[r.OrderID] {
			out = append(out, fmt.Sprintf("reservation %s holds stock for order %s, which is not CONFIRMED", r.ID, r.OrderID))
		}
	}
	for _, inv := range issued {
		issuedBy[inv.OrderID]++
		charged[inv.CustomerID] += inv.TotalCents
		if !confirmed[inv.OrderID] {
			out = append(out, fmt.Sprintf("invoice %s charges order %s, which is not CONFIRMED", inv.ID, inv.OrderID))
		}
	}
	for _, o := range all {
		if o.Status == "CONFIRMED" && (heldBy[o.ID] != 1 || issuedBy[o.ID] != 1) {
			out = append(out, fmt.Sprintf("CONFIRMED order %s has %d held reservations and %d issued invoices, want 1 and 1", o.ID, heldBy[o.ID], issuedBy[o.ID]))
		}
	}
	for _, c := range customers {
		var credit creditView
		r := do(s.t, http.MethodGet, s.url[invoicing.Name]+"/customers/"+url.PathEscape(c)+"/credit", nil)
		if r.status != http.StatusOK || json.Unmarshal(r.body, &credit) != nil {
			out = append(out, fmt.Sprintf("credit of %s: %d %s", c, r.status, r.body))
			continue
		}
		if credit.ChargedCents != charged[c] || credit.RemainingCents != max(credit.LimitCents-charged[c], 0) {
			out = append(out, fmt.Sprintf("customer %s: credit %+v, but its issued invoices total %d", c, credit, charged[c]))
		}
	}
	var stock struct {
		Items []struct {
			SKU             string `json:"sku"`
			OnHand          int    `json:"on_hand"`
			Reserved        int    `json:"reserved"`
			MovementsOnHand int    `json:"movements_on_hand"`
			Held            int    `json:"held"`
			Agrees          bool   `json:"agrees"`
		} `json:"items"`
	}
	r := do(s.t, http.MethodGet, s.url[inventory.Name]+"/stock/ledger", nil)
	if r.status != http.StatusOK || json.Unmarshal(r.body, &stock) != nil {
		return append(out, fmt.Sprintf("GET /stock/ledger = %d %s", r.status, r.body))
	}
	for _, it := range stock.Items {
		if !it.Agrees || it.OnHand != it.MovementsOnHand || it.Reserved != it.Held {
			out = append(out, fmt.Sprintf("stock of %s does not agree: %+v", it.SKU, it))
		}
	}
	return out
}

// ledgerHolds waits until the ledger holds (compensations in events mode
// run after the order is final) and fails the test with the breaches left
// when it does not.
func (s *stack) ledgerHolds() {
	s.t.Helper()
	eventually(s.t, 20*time.Second, "the ledger holds", func() (bool, string) {
		b := s.ledgerBreaches()
		return len(b) == 0, fmt.Sprint(b)
	})
}

// The check sees what it is for: stock held and money charged for an order
// order-svc does not have CONFIRMED (made here behind its back, through the
// sync REST calls), and holds again once both are undone.
func TestLedgerCheckSeesBreaches(t *testing.T) {
	s := startStack(t, stackOpts{mode: config.ModeSync})
	var placed orderView
	s.place("c-1", item("SKU-001", 1)).decode(t, &placed)
	if b := s.ledgerBreaches(); len(b) != 0 {
		t.Fatalf("after one CONFIRMED order: breaches %v", b)
	}
	stray := newUUID(t)
	var res struct {
		ReservationID string `json:"reservation_id"`
	}
	r := do(t, http.MethodPost, s.url[inventory.Name]+"/reservations", map[string]any{"order_id": stray, "items": []any{item("SKU-002", 1)}})
	r.decode(t, &res)
	var inv invoiceView
	do(t, http.MethodPost, s.url[invoicing.Name]+"/invoices", map[string]any{"order_id": stray, "customer_id": "c-1", "items": []any{item("SKU-002", 1)}}).decode(t, &inv)
	b := strings.Join(s.ledgerBreaches(), "\n")
	for _, want := range []string{"reservation " + res.ReservationID + " holds stock for order " + stray, "invoice " + inv.InvoiceID + " charges order " + stray} {
		if !strings.Contains(b, want) {
			t.Fatalf("breaches:\n%s\nwant one saying %q", b, want)
		}
	}
	do(t, http.MethodPost, s.url[inventory.Name]+"/reservations/"+res.ReservationID+"/release", nil)
	do(t, http.MethodPost, s.url[invoicing.Name]+"/invoices/"+inv.InvoiceID+"/void", nil)
	s.ledgerHolds()
}
