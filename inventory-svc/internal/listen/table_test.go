package listen_test

import (
	"slices"
	"testing"

	"github.com/orderflow/platform/events"

	"github.com/orderflow/inventory-svc/internal/stock"
)

// into brings the order into state through the events that lead there.
func (f *fixture) into(state string) {
	f.t.Helper()
	var steps []events.Payload
	switch state {
	case stock.StatusNone:
	case stock.StatusReserved:
		steps = []events.Payload{placed(stock.Line{SKU: "SKU-001", Qty: 2})}
	case stock.StatusReleased:
		steps = []events.Payload{placed(stock.Line{SKU: "SKU-001", Qty: 2}), cancelled(events.ReasonCustomer)}
	case stock.StatusRejected:
		steps = []events.Payload{placed(stock.Line{SKU: "SKU-005", Qty: 5})} // 3 on hand
	case stock.StatusCancelled:
		steps = []events.Payload{cancelled(events.ReasonCustomer)}
	default:
		f.t.Fatalf("no way into %q", state)
	}
	for _, p := range steps {
		if _, _, err := f.handle(p); err != nil {
			f.t.Fatalf("into %s: %s: %v", state, p.EventType(), err)
		}
	}
	if got := f.row().Status; got != state {
		f.t.Fatalf("into %s: the order is %q", state, got)
	}
}

// TestEveryCell: each (state, message) cell of the reservation table, as the
// consumer applies it — the state after, what is published, the stock held.
// The message is always a new event (a new id): redeliveries of the same id
// are the inbox's (TestRedelivery).
func TestEveryCell(t *testing.T) {
	type want struct {
		status, reason, detail string
		emit                   events.Payload // nil: nothing published
		held                   int            // SKU-001 reserved after
	}
	released := func(reason, detail string) *events.StockReleased {
		return &events.StockReleased{OrderID: orderID, Items: []stock.Line{{SKU: "SKU-001", Qty: 2}}, Reason: reason, Detail: detail}
	}
	const decline = "12000 cents over the remaining credit of 0"
	const suspicion = "60 units, over the limit of 50 per order"
	shortReason := "SKU SKU-005: 5 requested, 3 available"
	tests := []struct {
		state string
		msg   string
		want  want
	}{
		{stock.StatusNone, stock.MsgOrderPlaced, want{status: stock.StatusReserved, held: 2,
			emit: &events.StockReserved{OrderID: orderID, CustomerID: "c-1", Items: []stock.Line{{SKU: "SKU-001", Qty: 2}}}}},
		{stock.StatusNone, stock.MsgOrderCancelled, want{status: stock.StatusCancelled, reason: events.ReasonDeadline}},
		{stock.StatusNone, stock.MsgPaymentDeclined, want{}},
		{stock.StatusReserved, stock.MsgOrderPlaced, want{status: stock.StatusReserved, held: 2}},
		{stock.StatusReserved, stock.MsgOrderCancelled, want{status: stock.StatusReleased, reason: events.ReasonDeadline,
			emit: released(events.ReasonDeadline, "")}},
		{stock.StatusReserved, stock.MsgPaymentDeclined, want{status: stock.StatusReleased, reason: events.ReasonPaymentDeclined, detail: decline,
			emit: released(events.ReasonPaymentDeclined, decline)}},
		{stock.StatusReleased, stock.MsgOrderPlaced, want{status: stock.StatusReleased, reason: events.ReasonCustomer}},
		{stock.StatusReleased, stock.MsgOrderCancelled, want{status: stock.StatusReleased, reason: events.ReasonCustomer}},
		{stock.StatusReleased, stock.MsgPaymentDeclined, want{status: stock.StatusReleased, reason: events.ReasonCustomer}},
		{stock.StatusRejected, stock.MsgOrderPlaced, want{status: stock.StatusRejected, reason: shortReason}},
		{stock.StatusRejected, stock.MsgOrderCancelled, want{status: stock.StatusRejected, reason: shortReason}},
		{stock.StatusRejected, stock.MsgPaymentDeclined, want{status: stock.StatusRejected, reason: shortReason}},
		{stock.StatusCancelled, stock.MsgOrderPlaced, want{status: stock.StatusRejected, reason: stock.ReasonCancelled,
			emit: &events.StockRejected{OrderID: orderID, Reason: stock.ReasonCancelled}}},
		{stock.StatusCancelled, stock.MsgOrderCancelled, want{status: stock.StatusCancelled, reason: events.ReasonCustomer}},
		{stock.StatusCancelled, stock.MsgPaymentDeclined, want{status: stock.StatusCancelled, reason: events.ReasonCustomer}},
		{stock.StatusNone, stock.MsgFraudSuspected, want{}},
		{stock.StatusReserved, stock.MsgFraudSuspected, want{status: stock.StatusReleased, reason: events.ReasonFraudSuspected, detail: suspicion,
			emit: released(events.ReasonFraudSuspected, suspicion)}},
		{stock.StatusReleased, stock.MsgFraudSuspected, want{status: stock.StatusReleased, reason: events.ReasonCustomer}},
		{stock.StatusRejected, stock.MsgFraudSuspected, want{status: stock.StatusRejected, reason: shortReason}},
		{stock.StatusCancelled, stock.MsgFraudSuspected, want{status: stock.StatusCancelled, reason: events.ReasonCustomer}},
	}
	seen := map[[2]string]bool{}
	for _, tt := range tests {
		seen[[2]string{tt.state, tt.msg}] = true
		t.Run(tt.state+"/"+tt.msg, func(t *testing.T) {
			f := newFixture(t)
			f.into(tt.state)
			before := f.row()
			var msg events.Payload
			switch tt.msg {
			case stock.MsgOrderPlaced:
				msg = placed(stock.Line{SKU: "SKU-001", Qty: 2})
			case stock.MsgOrderCancelled:
				msg = cancelled(events.ReasonDeadline)
			case stock.MsgPaymentDeclined:
				msg = declinedFor(before)
			case stock.MsgFraudSuspected:
				msg = events.FraudSuspected{OrderID: orderID, CustomerID: "c-1", ReservationID: reservationOf(before), Reason: suspicion}
			}
			envs, out, err := f.handle(msg)
			if err != nil {
				t.Fatalf("%s in %q: %v", tt.msg, tt.state, err)
			}
			after := f.row()
			if after.Status != tt.want.status || after.Reason != tt.want.reason || after.Detail != tt.want.detail {
				t.Errorf("after %s: %s (%q, %q), want %s (%q, %q)", tt.msg, after.Status, after.Reason, after.Detail, tt.want.status, tt.want.reason, tt.want.detail)
			}
			if got := f.reserved("SKU-001"); got != tt.want.held {
				t.Errorf("SKU-001 reserved = %d, want %d", got, tt.want.held)
			}
			switch {
			case tt.want.emit == nil && len(out) != 0:
				t.Errorf("published %v, want nothing", envs)
			case tt.want.emit != nil:
				if len(out) != 1 || envs[0].Type != tt.want.emit.EventType() || envs[0].Key() != orderID {
					t.Fatalf("published %v, want one %s keyed by the order", envs, tt.want.emit.EventType())
				}
				checkPayload(t, out[0], tt.want.emit, after)
				if f.relay.n == 0 {
					t.Error("the relay was not woken")
				}
			}
		})
	}
	for _, s := range stock.States {
		for _, m := range stock.Messages {
			if !seen[[2]string{s, m}] {
				t.Errorf("cell (%q, %s) is not tested", s, m)
			}
		}
	}
}

// checkPayload compares got with want, filling in the reservation id that
// only the row knows.
func checkPayload(t *testing.T, got, want events.Payload, row stock.Reservation) {
	t.Helper()
	switch w := want.(type) {
	case *events.StockReserved:
		g, ok := got.(*events.StockReserved)
		if !ok || g.OrderID != w.OrderID || g.ReservationID != row.ID || g.CustomerID != w.CustomerID || !slices.Equal(g.Items, w.Items) {
			t.Errorf("published %+v, want %+v with reservation %s", got, w, row.ID)
		}
	case *events.StockReleased:
		g, ok := got.(*events.StockReleased)
		if !ok || g.OrderID != w.OrderID || g.ReservationID != row.ID || g.Reason != w.Reason || g.Detail != w.Detail || !slices.Equal(g.Items, w.Items) {
			t.Errorf("published %+v, want %+v with reservation %s", got, w, row.ID)
		}
	case *events.StockRejected:
		if g, ok := got.(*events.StockRejected); !ok || *g != *w {
			t.Errorf("published %+v, want %+v", got, w)
		}
	default:
		t.Fatalf("no check for %T", want)
	}
}

// reservationOf is r's id, or any id when there is no row (the handler
// skips before it compares).
func reservationOf(r stock.Reservation) string {
	if r.ID == "" {
		return anyReservationID
	}
	return r.ID
}
