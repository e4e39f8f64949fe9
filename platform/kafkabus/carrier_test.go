package kafkabus_test

import (
	"context"
	"slices"
	"testing"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
)

func TestHeaderCarrier(t *testing.T) {
	headers := []kafka.Header{{Key: kafkaconf.HeaderEventType, Value: []byte("OrderPlaced")}}
	c := kafkabus.HeaderCarrier{Headers: &headers}

	if got := c.Get(kafkaconf.HeaderEventType); got != "OrderPlaced" {
		t.Fatalf("Get(event-type) = %q", got)
	}
	if got := c.Get("traceparent"); got != "" {
		t.Fatalf("Get(missing) = %q, want empty", got)
	}
	c.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	c.Set(kafkaconf.HeaderEventID, "e-1")
	c.Set(kafkaconf.HeaderEventType, "StockReserved") // overwrite, not append
	if len(headers) != 3 {
		t.Fatalf("headers = %v, want 3 entries (Set replaces an existing key)", headers)
	}
	if got := c.Get(kafkaconf.HeaderEventType); got != "StockReserved" {
		t.Fatalf("Get after overwrite = %q", got)
	}
	if got, want := c.Keys(), []string{"event-type", "traceparent", "event-id"}; !slices.Equal(got, want) {
		t.Fatalf("Keys = %v, want %v", got, want)
	}
	if got := kafkabus.Header(headers, kafkaconf.HeaderEventID); got != "e-1" {
		t.Fatalf("Header(event-id) = %q", got)
	}
	if got := (kafkabus.HeaderCarrier{Headers: &[]kafka.Header{}}).Keys(); len(got) != 0 {
		t.Fatalf("Keys of no headers = %v", got)
	}
}

func TestInjectWritesTraceparentUnlessOff(t *testing.T) {
	sc := producerSpanContext(t)
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	for _, mode := range []config.Propagation{config.PropagationChild, config.PropagationLink, config.PropagationOff} {
		t.Run(string(mode), func(t *testing.T) {
			var headers []kafka.Header
			kafkabus.Propagation{Mode: mode, Propagator: propagation.TraceContext{}}.Inject(ctx, &headers)
			got := kafkabus.Header(headers, "traceparent")
			want := "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"
			if mode == config.PropagationOff {
				want = ""
			}
			if got != want {
				t.Fatalf("traceparent = %q, want %q", got, want)
			}
		})
	}
}

func producerSpanContext(t *testing.T) trace.SpanContext {
	t.Helper()
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
}

func TestConsumerStart(t *testing.T) {
	producer := producerSpanContext(t)
	valid := []kafka.Header{
		{Key: kafkaconf.HeaderEventType, Value: []byte("OrderPlaced")},
		{Key: "traceparent", Value: []byte("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")},
	}
	invalid := []kafka.Header{{Key: "traceparent", Value: []byte("00-zzzz-not-a-trace-01")}}

	tests := []struct {
		name     string
		mode     config.Propagation
		headers  []kafka.Header
		wantKind string // child, link, root
	}{
		{"child", config.PropagationChild, valid, "child"},
		{"link", config.PropagationLink, valid, "link"},
		{"off", config.PropagationOff, valid, "root"},
		{"child without headers", config.PropagationChild, nil, "root"},
		{"link without headers", config.PropagationLink, nil, "root"},
		{"child with an invalid traceparent", config.PropagationChild, invalid, "root"},
		{"link with an invalid traceparent", config.PropagationLink, invalid, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			p := kafkabus.Propagation{Mode: tt.mode, Propagator: propagation.TraceContext{}}

			parent, opts := p.ConsumerStart(context.Background(), tt.headers)
			inCtx := trace.SpanContextFromContext(parent)
			_, span := tp.Tracer("test").Start(parent, "process", opts...)
			span.End()
			ended := rec.Ended()
			if len(ended) != 1 {
				t.Fatalf("recorded %d spans", len(ended))
			}
			s := ended[0]

			switch tt.wantKind {
			case "child":
				if !inCtx.IsValid() || !inCtx.IsRemote() || inCtx.TraceID() != producer.TraceID() || inCtx.SpanID() != producer.SpanID() {
					t.Fatalf("returned ctx carries %v, want the producer's remote span context %v", inCtx, producer)
				}
				if s.SpanContext().TraceID() != producer.TraceID() || s.Parent().SpanID() != producer.SpanID() {
					t.Fatalf("span trace %s parent %s, want trace %s parent %s", s.SpanContext().TraceID(), s.Parent().SpanID(), producer.TraceID(), producer.SpanID())
				}
				if len(s.Links()) != 0 {
					t.Fatalf("child span has %d links, want 0", len(s.Links()))
				}
			case "link":
				if inCtx.IsValid() {
					t.Fatalf("returned ctx carries %v, want no parent", inCtx)
				}
				if s.Parent().IsValid() || s.SpanContext().TraceID() == producer.TraceID() {
					t.Fatalf("link span: parent %v trace %s, want a new root trace", s.Parent(), s.SpanContext().TraceID())
				}
				if len(s.Links()) != 1 || s.Links()[0].SpanContext.TraceID() != producer.TraceID() || s.Links()[0].SpanContext.SpanID() != producer.SpanID() {
					t.Fatalf("links = %+v, want one link to %v", s.Links(), producer)
				}
			case "root":
				if inCtx.IsValid() {
					t.Fatalf("returned ctx carries %v, want no parent", inCtx)
				}
				if s.Parent().IsValid() || s.SpanContext().TraceID() == producer.TraceID() {
					t.Fatalf("span: parent %v trace %s, want a new root trace", s.Parent(), s.SpanContext().TraceID())
				}
				if len(s.Links()) != 0 {
					t.Fatalf("root span has %d links, want 0", len(s.Links()))
				}
			}
		})
	}
}

// A consumer that already runs inside a span (say, a test) still starts a
// new root in off and link modes: the message, not the caller, decides.
func TestConsumerStartIgnoresCallerSpanWhenOff(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, outer := tp.Tracer("test").Start(context.Background(), "outer")
	defer outer.End()
	p := kafkabus.Propagation{Mode: config.PropagationOff, Propagator: propagation.TraceContext{}}
	parent, opts := p.ConsumerStart(ctx, nil)
	_, span := tp.Tracer("test").Start(parent, "process", opts...)
	span.End()
	s := rec.Ended()[0]
	if s.Parent().IsValid() || s.SpanContext().TraceID() == outer.SpanContext().TraceID() {
		t.Fatalf("off mode span has parent %v / trace of the caller, want a new root", s.Parent())
	}
}
