package placing_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/orderflow/order-svc/internal/order"
	"github.com/orderflow/order-svc/internal/placing"
)

type fakeFraud struct {
	suspected string
	err       error
	calls     []string // order id / reservation id
}

func (f *fakeFraud) Check(_ context.Context, orderID, _, reservationID string, _ []order.Line) (string, error) {
	f.calls = append(f.calls, orderID+"/"+reservationID)
	return f.suspected, f.err
}

// TestSyncFraudCheck: with a checker, fraud-svc is called after the
// reservation and before the invoice. Cleared: CONFIRMED. Suspected: the
// reservation released, no invoice, FAILED "fraud suspected: …" and a
// SuspectedError. fraud-svc failing: released, no invoice, FAILED, an
// outage. Without a checker nothing is called (FRAUD_CHECK=off).
func TestSyncFraudCheck(t *testing.T) {
	down := &placing.UnavailableError{Service: "fraud-svc", Err: errors.New("HTTP 500: boom")}
	for _, tc := range []struct {
		name        string
		fraud       *fakeFraud
		want        order.Status
		invoiced    bool
		released    []string
		reason      string
		suspected   bool
		unavailable bool
	}{
		{name: "off", want: order.Confirmed, invoiced: true},
		{name: "cleared", fraud: &fakeFraud{}, want: order.Confirmed, invoiced: true},
		{name: "suspected", fraud: &fakeFraud{suspected: "customer cust-fraud is flagged"}, want: order.Failed,
			released: []string{"res-1"}, reason: "fraud suspected: customer cust-fraud is flagged", suspected: true},
		{name: "fraud-svc fails", fraud: &fakeFraud{err: down}, want: order.Failed,
			released: []string{"res-1"}, reason: "fraud-svc unavailable: HTTP 500: boom; reservation res-1 released", unavailable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, bill := &fakeInventory{resID: "res-1"}, &fakeInvoicing{invID: "inv-1", total: 100}
			s := &placing.Sync{Store: openStore(t), Inventory: inv, Invoicing: bill, Logger: slog.New(slog.DiscardHandler), Now: clock()}
			if tc.fraud != nil {
				s.Fraud = tc.fraud
			}
			o, err := s.Place(context.Background(), draft)
			if o.Status != tc.want || (len(bill.calls) > 0) != tc.invoiced || !slices.Equal(inv.released, tc.released) {
				t.Fatalf("order %s (%q), invoiced %v, released %v; want %s, %v, %v", o.Status, o.Reason, bill.calls, inv.released, tc.want, tc.invoiced, tc.released)
			}
			if placing.IsSuspected(err) != tc.suspected || placing.IsUnavailable(err) != tc.unavailable {
				t.Errorf("err = %v: suspected %v, unavailable %v", err, placing.IsSuspected(err), placing.IsUnavailable(err))
			}
			if tc.reason != "" && o.Reason != tc.reason {
				t.Errorf("reason = %q, want %q", o.Reason, tc.reason)
			}
			if tc.fraud != nil && (len(tc.fraud.calls) != 1 || !strings.HasSuffix(tc.fraud.calls[0], "/res-1")) {
				t.Errorf("fraud-svc calls = %v, want one naming the reservation", tc.fraud.calls)
			}
		})
	}
}
