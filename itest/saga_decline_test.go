package itest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/platform/config"

	invoicing "github.com/orderflow/invoicing-svc/app"
	orders "github.com/orderflow/order-svc/app"
)

// The saga across the three services, end to end, when the payment is
// declined: for a customer whose credit cannot cover the order (cust-broke)
// and for the decline_rate fault, in both modes. The order ends FAILED with
// the decline's reason, its stock is released, nothing is charged, and the
// ledger holds.

// declineCase is one way a payment is declined.
type declineCase struct {
	name, customer string
	faults         string // invoicing-svc's /admin/faults, "" for none
	reason         string // part of the decline's reason
}

var declineCases = []declineCase{
	{"cust-broke", "cust-broke", "", "credit limit exceeded"},
	{"decline_rate", "c-1", `{"decline_rate":1}`, "declined by the payment provider (fault decline_rate)"},
}

// adminDownstream is withAdmin for inventory-svc and invoicing-svc only:
// order-svc keeps its own readiness (its downstreams as they are).
func adminDownstream() map[string]map[string]string {
	env := withAdmin()
	delete(env, orders.Name)
	return env
}

func TestSagaPaymentDeclinedEvents(t *testing.T) {
	for _, tc := range declineCases {
		t.Run(tc.name, func(t *testing.T) {
			s := startStack(t, stackOpts{mode: config.ModeEvents, env: withAdmin()})
			if tc.faults != "" {
				s.setFaults(invoicing.Name, tc.faults)
			}
			before := s.reservedOf("SKU-003")
			r := s.place(tc.customer, item("SKU-003", 2))
			var o orderView
			r.decode(t, &o)
			if r.status != http.StatusAccepted {
				t.Fatalf("POST /orders = %d %s, want 202", r.status, r.body)
			}
			got := s.waitStatus(o.ID, "FAILED")
			if !strings.HasPrefix(got.Reason, "payment declined: ") || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("reason = %q, want the decline's (%q)", got.Reason, tc.reason)
			}
			for _, step := range []string{"reserved", "declined", "released", "failed"} {
				if !slices.Contains(got.steps(), step) {
					t.Fatalf("timeline %v lacks %q", got.steps(), step)
				}
			}
			if res := s.reservationOf(o.ID); res.Status != "RELEASED" || res.Reason != "payment_declined" {
				t.Fatalf("reservation = %+v, want RELEASED (payment_declined)", res)
			}
			if inv, ok := s.invoiceOf(o.ID); !ok || inv.Status != "DECLINED" || !strings.Contains(inv.Reason, tc.reason) {
				t.Fatalf("invoice = %+v (%v), want DECLINED", inv, ok)
			}
			if c := s.creditOf(tc.customer); c.ChargedCents != 0 {
				t.Fatalf("credit of %s = %+v, want nothing charged", tc.customer, c)
			}
			if after := s.reservedOf("SKU-003"); after != before {
				t.Fatalf("SKU-003 reserved %d → %d: the declined order holds stock", before, after)
			}
			s.ledgerHolds()
		})
	}
}

func TestSagaPaymentDeclinedSync(t *testing.T) {
	for _, tc := range declineCases {
		t.Run(tc.name, func(t *testing.T) {
			s := startStack(t, stackOpts{mode: config.ModeSync, env: adminDownstream()})
			if tc.faults != "" {
				s.setFaults(invoicing.Name, tc.faults)
			}
			before := s.reservedOf("SKU-003")
			r := s.place(tc.customer, item("SKU-003", 2))
			var p problemView
			r.decode(t, &p)
			if r.status != http.StatusPaymentRequired || p.Type != "https://orderflow.dev/problems/payment-declined" || p.OrderID == "" {
				t.Fatalf("POST /orders = %d %s, want 402 payment-declined naming the order", r.status, r.body)
			}
			got := s.getOrder(p.OrderID)
			if got.Status != "FAILED" || !strings.HasPrefix(got.Reason, "payment declined: ") || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("order = %s %q, want FAILED with the decline's reason", got.Status, got.Reason)
			}
			if want := []string{"placed", "reserved", "declined", "released", "failed"}; !slices.Equal(got.steps(), want) {
				t.Fatalf("timeline %v, want %v", got.steps(), want)
			}
			if res := s.reservationOf(p.OrderID); res.Status != "RELEASED" {
				t.Fatalf("reservation = %+v, want RELEASED", res)
			}
			if inv, ok := s.invoiceOf(p.OrderID); !ok || inv.Status != "DECLINED" {
				t.Fatalf("invoice = %+v (%v), want DECLINED", inv, ok)
			}
			if c := s.creditOf(tc.customer); c.ChargedCents != 0 {
				t.Fatalf("credit of %s = %+v, want nothing charged", tc.customer, c)
			}
			if after := s.reservedOf("SKU-003"); after != before {
				t.Fatalf("SKU-003 reserved %d → %d: the declined order holds stock", before, after)
			}
			s.ledgerHolds()
		})
	}
}
