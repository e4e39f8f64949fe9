package itest

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
)

// TestOrchTraceLinksCommandAndReply: with TRACE_PROPAGATION=child one trace
// holds the whole orchestrated order — 5 sends (OrderPlaced, ReserveStock,
// StockReserved, IssueInvoice, InvoiceIssued) and 4 processes (nobody in
// the saga consumes orders.v1), counted once per message id and kind (the
// relay may publish a message twice: at least once) — and each reply's send
// span is the child of
// the process span of the command it answers, the command whose id the
// reply's reply_to names.
func TestOrchTraceLinksCommandAndReply(t *testing.T) {
	s := orchStack(t, nil)
	var o orderView
	s.place("c-1", item("SKU-001", 1)).decode(t, &o)
	s.waitStatus(o.ID, "CONFIRMED")
	tid, err := trace.TraceIDFromHex(o.TraceID)
	if err != nil {
		t.Fatal(err)
	}
	var hops, inTrace []tracetest.SpanStub
	eventually(t, 10*time.Second, "9 distinct messaging spans", func() (bool, string) {
		hops, inTrace = orderSpans(s.spans.GetSpans(), o.ID, tid)
		distinct := map[string]bool{}
		for _, h := range hops {
			distinct[h.SpanKind.String()+" "+attr(h, "messaging.message.id")] = true
		}
		return len(distinct) == 9, describe(hops)
	})
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, sp := range inTrace {
		byID[sp.SpanContext.SpanID()] = sp
	}
	replyTo := map[string]string{} // reply id → command id, from the topic
	for _, m := range readTopic(t, s.prefix+events.TopicSagaReplies) {
		env, _, err := events.Decode(m.Value)
		if err != nil {
			t.Fatal(err)
		}
		replyTo[env.ID] = env.ReplyTo
	}
	replies := map[string]bool{}
	for _, h := range hops {
		if h.SpanContext.TraceID() != tid {
			t.Fatalf("hop outside the order's trace:%s", describe([]tracetest.SpanStub{h}))
		}
		if h.SpanKind != trace.SpanKindProducer || !strings.HasSuffix(attr(h, "messaging.destination.name"), events.TopicSagaReplies) {
			continue
		}
		replies[attr(h, "messaging.message.id")] = true
		parent, ok := byID[h.Parent.SpanID()]
		if !ok || parent.SpanKind != trace.SpanKindConsumer {
			t.Fatalf("reply %s: its parent is no process span in the trace:%s", attr(h, "orderflow.event_type"), describe([]tracetest.SpanStub{h}))
		}
		if cmd := attr(parent, "messaging.message.id"); cmd == "" || replyTo[attr(h, "messaging.message.id")] != cmd {
			t.Fatalf("reply %s: processed in command %s's span, but its reply_to is %q", attr(h, "orderflow.event_type"), cmd, replyTo[attr(h, "messaging.message.id")])
		}
	}
	if len(replies) != 2 {
		t.Fatalf("%d replies sent, want 2:%s", len(replies), describe(hops))
	}
}
