package consume

import (
	"context"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
)

// SpanParent returns the parent context and start options of the process
// span of a message with these headers (kafkabus.Propagation.ConsumerStart:
// child, link or off).
type SpanParent func(ctx context.Context, headers []kafka.Header) (context.Context, []trace.SpanStartOption)

// Trace starts one "process <topic>" span (kind CONSUMER) per message of the
// batch and puts it in the message's Ctx, so the work done for an event, the
// retry spans and the outbox rows it emits belong to its own trace, even in a
// batch with others. A span ends when its message is Done (applied or
// dead-lettered on its own); the spans of the messages left end when next
// returns: after the batch's transaction committed, or when ctx ended (those
// messages are redelivered).
func Trace(tracer trace.Tracer, group string, parent SpanParent) Middleware {
	return func(next kafkabus.Handler) kafkabus.Handler {
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			spans := make([]trace.Span, len(batch))
			for i, d := range batch {
				var span trace.Span
				d.Ctx, span = startProcess(ctx, tracer, group, parent, d.Msg)
				spans[i] = span
				d.OnDone(func() { span.End() })
			}
			defer func() {
				for i, d := range batch {
					if !d.IsDone() {
						spans[i].End()
					}
				}
			}()
			return next(ctx, batch)
		}
	}
}

// startProcess starts m's process span with the messaging attributes of the
// OpenTelemetry conventions and orderflow's own.
func startProcess(ctx context.Context, tracer trace.Tracer, group string, parent SpanParent, m kafka.Message) (context.Context, trace.Span) {
	pctx, opts := parent(ctx, m.Headers)
	waited := time.Since(m.Time)
	typ := kafkabus.Header(m.Headers, kafkaconf.HeaderEventType)
	opts = append(opts, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		semconv.MessagingSystemKafka,
		semconv.MessagingOperationTypeProcess,
		semconv.MessagingOperationName("process"),
		semconv.MessagingDestinationName(m.Topic),
		semconv.MessagingConsumerGroupName(group),
		semconv.MessagingDestinationPartitionID(strconv.Itoa(m.Partition)),
		semconv.MessagingKafkaOffset(int(m.Offset)),
		semconv.MessagingKafkaMessageKey(string(m.Key)),
		semconv.MessagingMessageID(kafkabus.Header(m.Headers, kafkaconf.HeaderEventID)),
		attribute.String("orderflow.event_type", typ),
		attribute.String("orderflow."+events.KeyName(typ), string(m.Key)),
		// How long the message sat between the producer's send and this
		// consumer: the cost of the hop that a waterfall shows as a gap.
		attribute.Int64("orderflow.kafka_wait_ms", waited.Milliseconds()),
	))
	return tracer.Start(pctx, "process "+m.Topic, opts...)
}
