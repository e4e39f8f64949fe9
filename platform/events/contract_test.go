package events_test

import (
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
	for _, typ := range []string{events.TypeOrderPlaced, events.TypeStockReserved, events.TypeStockRejected, events.TypeInvoiceIssued} {
		want = append(want, "    "+typ+":\n      name: "+typ+"\n", "const: "+typ+"\n")
	}
	for _, h := range []string{kafkaconf.HeaderEventType, kafkaconf.HeaderEventID, "traceparent", "tracestate",
		kafkaconf.HeaderDLQError, kafkaconf.HeaderDLQTopic, kafkaconf.HeaderDLQPartition, kafkaconf.HeaderDLQOffset, kafkaconf.HeaderDLQGroup} {
		want = append(want, "        "+h+":\n")
	}
	want = append(want, "const: 1\n", events.SKUPattern.String(), "maximum: 1000\n",
		"const: order-svc.events", "const: inventory-svc.events", "const: invoicing-svc.events")
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/asyncapi.yaml lacks %q", w)
		}
	}
}
