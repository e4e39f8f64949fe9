package stock_test

import (
	"testing"
	"time"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// TestDecide: one row per (state, message) cell of the reservation table in
// docs/architecture.md, the "too late" cells included.
func TestDecide(t *testing.T) {
	const (
		placed    = stock.MsgOrderPlaced
		cancelled = stock.MsgOrderCancelled
		declined  = stock.MsgPaymentDeclined
		suspected = stock.MsgFraudSuspected
	)
	tests := []struct {
		state, msg string
		want       stock.Action
		why        string
	}{
		{stock.StatusNone, placed, stock.Reserve, "first sight of the order: hold its stock or reject it"},
		{stock.StatusNone, cancelled, stock.Tombstone, "cancelled before its OrderPlaced was seen (hand-published): remember it"},
		{stock.StatusNone, declined, stock.Nothing, "a decline with nothing held: skip"},
		{stock.StatusReserved, placed, stock.Nothing, "a repeat of the order: already held"},
		{stock.StatusReserved, cancelled, stock.Release, "cancel after the reservation: give the stock back"},
		{stock.StatusReserved, declined, stock.Release, "payment declined: give the stock back"},
		{stock.StatusReleased, placed, stock.Nothing, "too late: the order was released"},
		{stock.StatusReleased, cancelled, stock.Nothing, "released already (declined, then cancelled by the deadline)"},
		{stock.StatusReleased, declined, stock.Nothing, "released already (cancelled, then the decline arrived)"},
		{stock.StatusRejected, placed, stock.Nothing, "a repeat of a rejected order"},
		{stock.StatusRejected, cancelled, stock.Nothing, "nothing held for a rejected order"},
		{stock.StatusRejected, declined, stock.Nothing, "nothing held for a rejected order"},
		{stock.StatusCancelled, placed, stock.RejectCancelled, "OrderPlaced after its cancellation: reserve nothing, say rejected"},
		{stock.StatusCancelled, cancelled, stock.Nothing, "cancelled twice"},
		{stock.StatusCancelled, declined, stock.Nothing, "nothing held for a cancelled order"},
		{stock.StatusNone, suspected, stock.Nothing, "a suspicion with nothing held: skip"},
		{stock.StatusReserved, suspected, stock.Release, "fraud suspected: give the stock back"},
		{stock.StatusReleased, suspected, stock.Nothing, "released already (cancelled before the verdict)"},
		{stock.StatusRejected, suspected, stock.Nothing, "nothing held for a rejected order"},
		{stock.StatusCancelled, suspected, stock.Nothing, "nothing held for a cancelled order"},
	}
	seen := map[[2]string]bool{}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.msg, func(t *testing.T) {
			got, err := stock.Decide(tt.state, tt.msg)
			if err != nil || got != tt.want {
				t.Fatalf("Decide(%q, %s) = %v, %v; want %v (%s)", tt.state, tt.msg, got, err, tt.want, tt.why)
			}
		})
		seen[[2]string{tt.state, tt.msg}] = true
	}
	// Every cell of the table is a row above.
	for _, s := range stock.States {
		for _, m := range stock.Messages {
			if !seen[[2]string{s, m}] {
				t.Errorf("cell (%q, %s) is not tested", s, m)
			}
		}
	}
}

func TestDecideRefusesWhatItDoesNotKnow(t *testing.T) {
	if _, err := stock.Decide("HELD?", stock.MsgOrderPlaced); err == nil {
		t.Error("Decide accepted an unknown state")
	}
	if _, err := stock.Decide(stock.StatusReserved, events.TypeInvoiceIssued); err == nil {
		t.Error("Decide accepted a message it has no column for")
	}
}

func TestActionNames(t *testing.T) {
	for a, want := range map[stock.Action]string{stock.Nothing: "nothing", stock.Reserve: "reserve", stock.Tombstone: "tombstone",
		stock.Release: "release", stock.RejectCancelled: "reject-cancelled", stock.Action(9): "action(9)"} {
		if got := a.String(); got != want {
			t.Errorf("Action(%d) = %q, want %q", int(a), got, want)
		}
	}
}

func TestReleaseCauses(t *testing.T) {
	c := stock.CauseOfCancel(events.OrderCancelled{OrderID: "o", Reason: events.ReasonDeadline, CancelledAt: time.Now()})
	if c != (stock.ReleaseCause{Reason: events.ReasonDeadline}) {
		t.Errorf("cause of a deadline cancel = %+v", c)
	}
	d := stock.CauseOfDecline(events.PaymentDeclined{OrderID: "o", Reason: "over the credit limit"})
	if d != (stock.ReleaseCause{Reason: events.ReasonPaymentDeclined, Detail: "over the credit limit"}) {
		t.Errorf("cause of a decline = %+v", d)
	}
}
