package consume_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
)

// TestTrace: every message gets its own process span, in its own Ctx, with
// the messaging attributes and the producer's trace as parent (or link); a
// span ends when its message is done, the rest when the handler returns.
func TestTrace(t *testing.T) {
	const traceID = "0af7651916cd43dd8448eb211c80319c"
	tests := []struct {
		name       string
		mode       config.Propagation
		doneInside int // offset the handler marks done; 0: none
		wantEnded  string
		wantParent bool // the producer's trace id
		wantLink   bool
	}{
		{name: "spans end when the handler returns", mode: config.PropagationChild, wantEnded: "1 2 3", wantParent: true},
		{name: "a message done early ends its span early", mode: config.PropagationChild, doneInside: 2, wantEnded: "2 1 3", wantParent: true},
		{name: "link: a new trace linked to the producer", mode: config.PropagationLink, wantEnded: "1 2 3", wantLink: true},
		{name: "off: a new trace", mode: config.PropagationOff, wantEnded: "1 2 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tracer, spans := recorder()
			parent := kafkabus.Propagation{Mode: tt.mode, Propagator: propagation.TraceContext{}}.ConsumerStart
			var msgs []kafka.Message
			for n := 1; n <= 3; n++ {
				m := placedMessage(t, n)
				m.Time = time.Now().Add(-50 * time.Millisecond)
				m.Headers = append(m.Headers, kafka.Header{Key: "traceparent", Value: []byte("00-" + traceID + "-b7ad6b7169203331-01")})
				msgs = append(msgs, m)
			}
			inside := map[int64]trace.SpanContext{}
			h := func(_ context.Context, batch []*kafkabus.Delivery) error {
				for _, d := range batch {
					inside[d.Msg.Offset] = trace.SpanContextFromContext(d.Ctx)
					if d.Msg.Offset == int64(tt.doneInside) {
						d.Done()
					}
				}
				if n := len(spans.Ended()); n != min(tt.doneInside, 1) {
					t.Errorf("%d spans ended while the handler runs, want %d", n, min(tt.doneInside, 1))
				}
				return nil
			}
			if err := consume.Trace(tracer, "inventory-svc.events", parent)(h)(context.Background(), fetched(msgs...)); err != nil {
				t.Fatal(err)
			}
			var ended []string
			for _, s := range spans.Ended() {
				a := attrs(s)
				off, _ := strconv.ParseInt(a["messaging.kafka.offset"], 10, 64)
				ended = append(ended, a["messaging.kafka.offset"])
				if s.Name() != "process "+events.TopicOrders || s.SpanKind() != trace.SpanKindConsumer || !s.SpanContext().Equal(inside[off]) {
					t.Errorf("span %s kind %v: want process %s, kind consumer, and the one in the message's Ctx", s.Name(), s.SpanKind(), events.TopicOrders)
				}
				wait, _ := strconv.Atoi(a["orderflow.kafka_wait_ms"])
				if a["messaging.system"] != "kafka" || a["messaging.operation.type"] != "process" || a["messaging.consumer.group.name"] != "inventory-svc.events" ||
					a["messaging.destination.name"] != events.TopicOrders || a["messaging.destination.partition.id"] != "0" ||
					a["messaging.message.id"] == "" || a["orderflow.event_type"] != events.TypeOrderPlaced ||
					a["orderflow.order_id"] != orderID(int(off)) || a["messaging.kafka.message.key"] != orderID(int(off)) || wait < 50 {
					t.Errorf("span of offset %d attributes %v", off, a)
				}
				if got := s.Parent().TraceID().String() == traceID; got != tt.wantParent {
					t.Errorf("span of offset %d: parent %v, want the producer's trace %v", off, s.Parent(), tt.wantParent)
				}
				if got := len(s.Links()) == 1 && s.Links()[0].SpanContext.TraceID().String() == traceID; got != tt.wantLink {
					t.Errorf("span of offset %d: links %v, want a link to the producer %v", off, s.Links(), tt.wantLink)
				}
			}
			if got := strings.Join(ended, " "); got != tt.wantEnded {
				t.Fatalf("spans ended %q, want %q", got, tt.wantEnded)
			}
		})
	}
}
