package events_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// TestAsyncAPIDocumentsTheContract keeps docs/asyncapi.yaml in step with the
// code: every topic, its DLQ, every event type and every header the code
// uses must appear in it.
func TestAsyncAPIDocumentsTheContract(t *testing.T) {
	b, err := os.ReadFile("../../docs/asyncapi.yaml")
	if err != nil {
		t.Fatalf("read docs/asyncapi.yaml: %v", err)
	}
	doc := string(b)
	if !strings.HasPrefix(doc, "asyncapi: 3.") {
		t.Errorf("docs/asyncapi.yaml is not an AsyncAPI 3 document")
	}
	var want []string
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing} {
		want = append(want, "address: "+topic+"\n", "address: "+events.DLQ(topic)+"\n")
	}
	for _, typ := range events.Types() {
		// The message, its header and envelope schemas, and its payload schema.
		want = append(want, "    "+typ+":\n      name: "+typ+"\n", "const: "+typ+"\n",
			"    "+typ+"Envelope:\n", "    "+typ+":\n      type: object\n")
	}
	// Every type a service publishes on inventory.v1 is listed in that channel
	// and in the receive operations of both consumers of the topic, which
	// say what they do with it (the stock movements: nothing).
	channel := section(t, doc, "  inventory:\n", "\n  inventoryDlq:\n")
	for _, op := range []string{"orderSvcConsumeInventory", "invoicingSvcConsumeInventory"} {
		ops := section(t, doc, "  "+op+":\n", "\n  "+strings.TrimSuffix(op, "ConsumeInventory"))
		for _, typ := range []string{events.TypeStockReserved, events.TypeStockRejected, events.TypeStockReceived, events.TypeStockAdjusted} {
			if !strings.Contains(channel, "      "+typ+":\n") {
				t.Errorf("channel inventory lacks message %s", typ)
			}
			if !strings.Contains(ops, "#/channels/inventory/messages/"+typ+"\"") {
				t.Errorf("operation %s does not list %s", op, typ)
			}
		}
	}
	for _, h := range []string{kafkaconf.HeaderEventType, kafkaconf.HeaderEventID, "traceparent", "tracestate",
		kafkaconf.HeaderDLQError, kafkaconf.HeaderDLQTopic, kafkaconf.HeaderDLQPartition, kafkaconf.HeaderDLQOffset, kafkaconf.HeaderDLQGroup} {
		want = append(want, "        "+h+":\n")
	}
	want = append(want, "const: 1\n", events.SKUPattern.String(), "maximum: 1000\n",
		fmt.Sprintf("maximum: %d\n", events.MaxMovementQty), fmt.Sprintf("minimum: %d\n", -events.MaxMovementQty),
		fmt.Sprintf("maxLength: %d\n", events.MaxReferenceLen), fmt.Sprintf("maxLength: %d\n", events.MaxReasonLen),
		"const: order-svc.events", "const: inventory-svc.events", "const: invoicing-svc.events")
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/asyncapi.yaml lacks %q", w)
		}
	}
}

// section is doc from the first start to the next end after it.
func section(t *testing.T, doc, start, end string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, start)
	if !ok {
		t.Fatalf("docs/asyncapi.yaml lacks %q", start)
	}
	s, _, _ := strings.Cut(rest, end)
	return s
}
