package kafkabus

import (
	"context"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/config"
)

// Propagation decides how a consumer span relates to the producer span.
type Propagation struct {
	Mode       config.Propagation
	Propagator propagation.TextMapPropagator
}

// Inject writes the trace context of ctx into headers (nothing when off).
func (p Propagation) Inject(ctx context.Context, headers *[]kafka.Header) {
	if p.Mode == config.PropagationOff {
		return
	}
	p.Propagator.Inject(ctx, HeaderCarrier{headers})
}

// ConsumerStart returns the parent context and span options for the span that
// processes a message with these headers:
//   - child: the producer's context becomes the parent, one trace per order;
//   - link: a new root span linked to the producer (OTel's recommendation for
//     messaging, since a message may be processed long after it was sent);
//   - off: a new root span that knows nothing of the producer.
func (p Propagation) ConsumerStart(ctx context.Context, headers []kafka.Header) (context.Context, []trace.SpanStartOption) {
	if p.Mode == config.PropagationOff {
		return ctx, []trace.SpanStartOption{trace.WithNewRoot()}
	}
	remote := p.Propagator.Extract(ctx, HeaderCarrier{&headers})
	sc := trace.SpanContextFromContext(remote)
	if !sc.IsValid() {
		return ctx, []trace.SpanStartOption{trace.WithNewRoot()}
	}
	if p.Mode == config.PropagationLink {
		return ctx, []trace.SpanStartOption{trace.WithNewRoot(), trace.WithLinks(trace.Link{SpanContext: sc})}
	}
	return remote, nil
}
