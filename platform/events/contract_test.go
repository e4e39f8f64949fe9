package events_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

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
	for _, topic := range []string{events.TopicOrders, events.TopicInventory, events.TopicInvoicing,
		events.TopicInventoryCommands, events.TopicInvoicingCommands, events.TopicSagaReplies,
		events.TopicFraud, events.TopicFraudCommands} {
		want = append(want, "address: "+topic+"\n", "address: "+events.DLQ(topic)+"\n")
	}
	for _, typ := range events.Types() {
		// The message, its header and envelope schemas, and its payload schema.
		want = append(want, "    "+typ+":\n      name: "+typ+"\n", "const: "+typ+"\n",
			"    "+typ+"Envelope:\n", "    "+typ+":\n      type: object\n")
	}
	for _, h := range []string{kafkaconf.HeaderEventType, kafkaconf.HeaderEventID, "traceparent", "tracestate",
		kafkaconf.HeaderDLQError, kafkaconf.HeaderDLQTopic, kafkaconf.HeaderDLQPartition, kafkaconf.HeaderDLQOffset, kafkaconf.HeaderDLQGroup} {
		want = append(want, "        "+h+":\n")
	}
	want = append(want, "const: 1\n", events.SKUPattern.String(), "maximum: 1000\n",
		fmt.Sprintf("maximum: %d\n", events.MaxMovementQty), fmt.Sprintf("minimum: %d\n", -events.MaxMovementQty),
		fmt.Sprintf("maxLength: %d\n", events.MaxReferenceLen), fmt.Sprintf("maxLength: %d\n", events.MaxReasonLen),
		"const: order-svc.events", "const: inventory-svc.events", "const: invoicing-svc.events",
		fmt.Sprintf("maxLength: %d\n", events.MaxDetailLen),
		"enum: ["+strings.Join(events.CancelReasons, ", ")+"]\n", "enum: ["+strings.Join(events.ReleaseReasons, ", ")+"]\n")
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("docs/asyncapi.yaml lacks %q", w)
		}
	}
}

// publishedOn is every event type a service publishes, by topic.
var publishedOn = map[string][]string{
	events.TopicOrders:    {events.TypeOrderPlaced, events.TypeOrderCancelled},
	events.TopicInventory: {events.TypeStockReserved, events.TypeStockRejected, events.TypeStockReleased, events.TypeStockReceived, events.TypeStockAdjusted},
	events.TopicInvoicing: {events.TypeInvoiceIssued, events.TypePaymentDeclined, events.TypeInvoiceVoided},
	// SAGA=orchestration: the commands, and the replies (the participants'
	// answers above, on the orchestrator's reply channel).
	events.TopicInventoryCommands: {events.TypeReserveStock, events.TypeReleaseStock},
	events.TopicInvoicingCommands: {events.TypeIssueInvoice, events.TypeVoidInvoice},
	events.TopicSagaReplies: {events.TypeStockReserved, events.TypeStockRejected, events.TypeStockReleased,
		events.TypeInvoiceIssued, events.TypePaymentDeclined, events.TypeInvoiceVoided,
		events.TypeFraudCleared, events.TypeFraudSuspected},
	// FRAUD_CHECK=on: the verdicts (choreography), the check (orchestration).
	events.TopicFraud:         {events.TypeFraudCleared, events.TypeFraudSuspected},
	events.TopicFraudCommands: {events.TypeCheckFraud},
}

// asyncAPIMessages is the part of docs/asyncapi.yaml TestAsyncAPIListsEveryTypeOfATopic reads.
type asyncAPIMessages struct {
	Channels map[string]struct {
		Address  string         `yaml:"address"`
		Messages map[string]any `yaml:"messages"`
	} `yaml:"channels"`
	Operations map[string]struct {
		Action  string `yaml:"action"`
		Channel struct {
			Ref string `yaml:"$ref"`
		} `yaml:"channel"`
		Messages []struct {
			Ref string `yaml:"$ref"`
		} `yaml:"messages"`
	} `yaml:"operations"`
}

// TestAsyncAPIListsEveryTypeOfATopic: every type published on a topic is a
// message of its channel, is sent by an operation, and is listed in every
// receive operation of the topic — whose description says what that consumer
// does with it, even if that is to skip it.
func TestAsyncAPIListsEveryTypeOfATopic(t *testing.T) {
	var all []string
	for _, types := range publishedOn {
		for _, typ := range types {
			if !slices.Contains(all, typ) {
				all = append(all, typ)
			}
		}
	}
	if slices.Sort(all); !slices.Equal(all, events.Types()) {
		t.Fatalf("the test's topics list %v, the code has the types %v", all, events.Types())
	}
	b, err := os.ReadFile("../../docs/asyncapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc asyncAPIMessages
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/asyncapi.yaml: %v", err)
	}
	for topic, types := range publishedOn {
		key := ""
		for k, ch := range doc.Channels {
			if ch.Address == topic {
				key = k
			}
		}
		if key == "" {
			t.Errorf("no channel has the address %s", topic)
			continue
		}
		if got := slices.Sorted(maps.Keys(doc.Channels[key].Messages)); !slices.Equal(got, slices.Sorted(slices.Values(types))) {
			t.Errorf("channel %s has the messages %v, want %v", key, got, slices.Sorted(slices.Values(types)))
		}
		sent, receivers := map[string]bool{}, 0
		for name, op := range doc.Operations {
			if op.Channel.Ref != "#/channels/"+key {
				continue
			}
			listed := map[string]bool{}
			for _, m := range op.Messages {
				listed[strings.TrimPrefix(m.Ref, "#/channels/"+key+"/messages/")] = true
			}
			if op.Action == "send" {
				maps.Copy(sent, listed)
				continue
			}
			receivers++
			for _, typ := range types {
				if !listed[typ] {
					t.Errorf("receive operation %s does not list %s (published on %s)", name, typ, topic)
				}
			}
		}
		if receivers == 0 {
			t.Errorf("no operation receives %s", topic)
		}
		for _, typ := range types {
			if !sent[typ] {
				t.Errorf("no operation sends %s on %s", typ, topic)
			}
		}
	}
}
