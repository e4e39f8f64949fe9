package itest

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/topology"

	fraud "github.com/orderflow/fraud-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// TestFraudCheckCancelWhileChecking: with fraud-svc's consumer held, an
// order waits RESERVED for its verdict; the customer cancels it; the stock
// is released; once fraud-svc resumes, its verdict charges nothing in the
// end (choreography: a tombstone, or a charge voided by the cancel;
// orchestration: the late reply is only recorded), and the ledger holds.
func TestFraudCheckCancelWhileChecking(t *testing.T) {
	for _, style := range topology.Styles {
		t.Run(string(style), func(t *testing.T) {
			s := fraudStack(t, config.ModeEvents, style)
			s.setFaults(fraud.Name, paused)
			start := s.messaging(fraud.Name).Stats.Processed.Load()
			id := s.placed("c-2", item("SKU-002", 1))
			s.waitStatus(id, "RESERVED")
			s.cancelled(id)
			s.waitReservation(id, "RELEASED")
			s.setFaults(fraud.Name, `{}`)
			s.waitConsumed(fraud.Name, start+1) // StockReserved or CheckFraud
			s.ledgerHolds()
			if inv, ok := s.invoiceOf(id); ok && inv.Status != "VOIDED" {
				t.Fatalf("invoice of the cancelled order = %+v, want none or VOIDED", inv)
			}
			if c := s.creditOf("c-2"); c.ChargedCents != 0 {
				t.Fatalf("credit = %+v, want nothing charged", c)
			}
			if o := s.getOrder(id); o.Status != "CANCELLED" {
				t.Fatalf("order %s, want CANCELLED", o.Status)
			}
		})
	}
}

// TestFraudCheckSyncDown: fraud-svc unreachable in sync mode fails the
// order after its reservation: the stock is released, nothing is invoiced,
// the client hears 503 naming fraud-svc (failure coupling: the new call is
// in the client's wait).
func TestFraudCheckSyncDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	env := map[string]map[string]string{orders.Name: {"FRAUD_URL": gone}}
	s := startStack(t, stackOpts{mode: config.ModeSync, env: env, fraudCheck: true, skip: map[string]bool{fraud.Name: true}})
	r := s.place("c-1", item("SKU-001", 1))
	var p map[string]any
	r.decode(t, &p)
	id, _ := p["order_id"].(string)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(p["detail"].(string), topology.FraudSvc) || id == "" {
		t.Fatalf("POST /orders with fraud-svc down = %d %s, want 503 naming fraud-svc", r.status, r.body)
	}
	if res := s.reservationOf(id); res.Status != "RELEASED" {
		t.Fatalf("reservation %+v, want RELEASED", res)
	}
	if inv, ok := s.invoiceOf(id); ok {
		t.Fatalf("invoiced %+v with fraud-svc down", inv)
	}
	s.ledgerHolds()
}
