package audit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderflow/platform/topology"

	oapi "github.com/orderflow/flowctl/internal/api/client"
)

// fakeLedger is the three services' ledger reads and order-svc's knobs on
// one test server. Pages hold at most pageMax rows, so every read pages.
type fakeLedger struct {
	mu           sync.Mutex
	mode         string
	knobs        map[string]any
	orders       []oapi.Order
	reservations []oapi.Reservation
	invoices     []oapi.Invoice
	ledger       []oapi.StockLedgerLine
	credits      map[string]int64 // charged, by customer
	// onListing, when set, runs as a listing of the orders begins (its
	// first page), with how many listings began before: what changes the
	// services between and during checks.
	onListing func(f *fakeLedger, n int)
	listings  int
}

const pageMax = 2

// page is rows after the one whose id is after ("" the first), at most
// pageMax, and the next page's after.
func page[T any](rows []T, id func(T) string, after string) ([]T, string) {
	start := 0
	if after != "" {
		for i, r := range rows {
			if id(r) == after {
				start = i + 1
			}
		}
	}
	end := min(start+pageMax, len(rows))
	next := ""
	if end < len(rows) {
		next = id(rows[end-1])
	}
	return rows[start:end], next
}

func (f *fakeLedger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	after := r.URL.Query().Get("after")
	var body any
	switch {
	case r.URL.Path == "/admin/knobs":
		body = map[string]any{"service": topology.OrderSvc, "mode": f.mode, "knobs": f.knobs}
	case r.URL.Path == "/orders":
		if after == "" && f.onListing != nil {
			f.onListing(f, f.listings)
		}
		if after == "" {
			f.listings++
		}
		rows, next := page(f.orders, func(o oapi.Order) string { return o.ID }, after)
		body = oapi.OrderList{Orders: rows, Count: len(rows), NextAfter: next}
	case r.URL.Path == "/reservations":
		rows, next := page(f.reservations, func(x oapi.Reservation) string { return x.ReservationID }, after)
		body = oapi.ReservationList{Reservations: rows, Count: len(rows), NextAfter: next}
	case r.URL.Path == "/invoices":
		rows, next := page(f.invoices, func(x oapi.Invoice) string { return x.InvoiceID }, after)
		body = oapi.InvoiceList{Invoices: rows, Count: len(rows), NextAfter: next}
	case r.URL.Path == "/stock/ledger":
		body = oapi.StockLedger{Items: f.ledger}
	case strings.HasPrefix(r.URL.Path, "/customers/") && strings.HasSuffix(r.URL.Path, "/credit"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/customers/"), "/credit")
		c := f.credits[id]
		body = oapi.Credit{CustomerID: id, LimitCents: 100000, ChargedCents: c, RemainingCents: 100000 - c}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// serveFake serves f and returns the clients of a stack made of it.
func serveFake(t *testing.T, f *fakeLedger) Clients {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return ClientsAt(map[string]string{topology.OrderSvc: srv.URL, topology.InventorySvc: srv.URL, topology.InvoicingSvc: srv.URL})
}

// The fixed clock of the tests: orders are placed relative to it.
var now = time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func order(id, cust, status, reason string, age time.Duration) oapi.Order {
	final := status != "PENDING" && status != "RESERVED"
	return oapi.Order{ID: id, CustomerID: cust, Status: oapi.OrderStatus(status), Reason: reason, Final: final,
		PlacedAt: now.Add(-age), Items: []oapi.Line{{SKU: "SKU-001", Qty: 2}}}
}

func reservation(id, orderID, status string) oapi.Reservation {
	return oapi.Reservation{ReservationID: id, OrderID: orderID, Status: oapi.ReservationStatus(status),
		Items: []oapi.Line{{SKU: "SKU-001", Qty: 2}}}
}

func invoice(id, orderID, cust, status string, cents int64) oapi.Invoice {
	return oapi.Invoice{InvoiceID: id, OrderID: orderID, CustomerID: cust, Status: oapi.InvoiceStatus(status), TotalCents: cents}
}

// cleanLedger is an events stack whose ledger agrees: one order in each
// final status, each with what it should hold, and one in flight.
func cleanLedger() *fakeLedger {
	return &fakeLedger{
		mode:  "events",
		knobs: map[string]any{"ORDER_DEADLINE": "30s"},
		orders: []oapi.Order{
			order("o-confirmed", "cust-1", "CONFIRMED", "", time.Minute),
			order("o-rejected", "cust-2", "REJECTED", "out of stock", time.Minute),
			order("o-failed", "cust-1", "FAILED", "payment declined: over the limit", time.Minute),
			order("o-cancelled", "cust-2", "CANCELLED", "customer", time.Minute),
			order("o-pending", "cust-3", "PENDING", "", time.Second),
		},
		reservations: []oapi.Reservation{
			reservation("r-confirmed", "o-confirmed", "RESERVED"),
			reservation("r-rejected", "o-rejected", "REJECTED"),
			reservation("r-failed", "o-failed", "RELEASED"),
			reservation("r-cancelled", "o-cancelled", "RELEASED"),
		},
		invoices: []oapi.Invoice{
			invoice("i-confirmed", "o-confirmed", "cust-1", "ISSUED", 2000),
			invoice("i-failed", "o-failed", "cust-1", "DECLINED", 2000),
			invoice("i-cancelled", "o-cancelled", "cust-2", "VOIDED", 2000),
		},
		ledger: []oapi.StockLedgerLine{
			{SKU: "SKU-001", OnHand: 10, MovementsOnHand: 10, Reserved: 2, Held: 2, Agrees: true},
			{SKU: "SKU-002", OnHand: 5, MovementsOnHand: 5, Agrees: true},
		},
		credits: map[string]int64{"cust-1": 2000},
	}
}

// withHeld adds units to SKU-001's reserved and held, as a held
// reservation does when the ledger agrees.
func (f *fakeLedger) withHeld(units int) {
	f.ledger[0].Reserved += units
	f.ledger[0].Held += units
}

func (f *fakeLedger) set(id string, change func(*oapi.Reservation)) {
	for i := range f.reservations {
		if f.reservations[i].ReservationID == id {
			change(&f.reservations[i])
		}
	}
}

func (f *fakeLedger) setInvoice(id string, change func(*oapi.Invoice)) {
	for i := range f.invoices {
		if f.invoices[i].InvoiceID == id {
			change(&f.invoices[i])
		}
	}
}
