package events_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderflow/platform/events"
)

// commandPayloads are one valid payload of each command type.
func commandPayloads() []events.Payload {
	lines := []events.Line{{SKU: "SKU-001", Qty: 2}}
	return []events.Payload{
		events.ReserveStock{OrderID: orderID, CustomerID: "cust-1", Items: lines},
		events.ReleaseStock{OrderID: orderID, ReservationID: reservationID, Reason: events.ReasonPaymentDeclined, Detail: "over the limit"},
		events.IssueInvoice{OrderID: orderID, CustomerID: "cust-1", ReservationID: reservationID, Items: lines},
		events.VoidInvoice{OrderID: orderID, InvoiceID: invoiceID, Reason: events.ReasonCustomer},
	}
}

// TestCommandsRoundTrip: every command decodes to what was encoded, and
// travels on its participant's command topic.
func TestCommandsRoundTrip(t *testing.T) {
	topics := map[string]string{
		events.TypeReserveStock: events.TopicInventoryCommands, events.TypeReleaseStock: events.TopicInventoryCommands,
		events.TypeIssueInvoice: events.TopicInvoicingCommands, events.TypeVoidInvoice: events.TopicInvoicingCommands,
	}
	for _, p := range commandPayloads() {
		env, err := events.New(orderID, time.Now(), p)
		if err != nil {
			t.Fatalf("%s: %v", p.EventType(), err)
		}
		b, _ := env.Encode()
		got, payload, err := events.Decode(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", p.EventType(), err)
		}
		if got.Key() != orderID || !reflect.DeepEqual(reflect.ValueOf(payload).Elem().Interface(), p) {
			t.Errorf("%s: decoded %+v, want %+v", p.EventType(), payload, p)
		}
		if events.CommandTopic(p.EventType()) != topics[p.EventType()] {
			t.Errorf("%s on %q, want %q", p.EventType(), events.CommandTopic(p.EventType()), topics[p.EventType()])
		}
	}
	if events.CommandTopic(events.TypeStockReserved) != "" {
		t.Error("a reply has a command topic")
	}
}

func TestCommandsValidate(t *testing.T) {
	bad := []events.Payload{
		events.ReserveStock{OrderID: orderID, Items: []events.Line{{SKU: "SKU-001", Qty: 1}}},
		events.ReserveStock{OrderID: orderID, CustomerID: "c"},
		events.ReleaseStock{OrderID: orderID, Reason: events.ReasonCustomer},
		events.ReleaseStock{OrderID: orderID, ReservationID: reservationID, Reason: "whim"},
		events.ReleaseStock{OrderID: orderID, ReservationID: reservationID, Reason: events.ReasonCustomer, Detail: strings.Repeat("x", events.MaxDetailLen+1)},
		events.IssueInvoice{OrderID: orderID, CustomerID: "c", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}},
		events.VoidInvoice{OrderID: orderID, Reason: events.ReasonCustomer},
		events.VoidInvoice{OrderID: orderID, InvoiceID: invoiceID, Reason: events.ReasonPaymentDeclined},
	}
	for i, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("bad[%d] %+v: valid", i, p)
		}
	}
}

// TestReplyTo: a reply names its command; a reply_to that is no UUID is invalid.
func TestReplyTo(t *testing.T) {
	cmd, _ := events.New(orderID, time.Now(), commandPayloads()[0])
	answer, _ := events.New(orderID, time.Now(), events.StockRejected{OrderID: orderID, Reason: "short"})
	reply := events.Reply(cmd, answer)
	b, _ := reply.Encode()
	got, _, err := events.Decode(b)
	if err != nil || got.ReplyTo != cmd.ID {
		t.Fatalf("reply_to = %q, %v; want %q", got.ReplyTo, err, cmd.ID)
	}
	reply.ReplyTo = "not-a-uuid"
	b, _ = reply.Encode()
	if _, _, err := events.Decode(b); !errors.Is(err, events.ErrInvalid) {
		t.Errorf("reply_to not-a-uuid: %v, want ErrInvalid", err)
	}
}
