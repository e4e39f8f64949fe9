package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// Message is one event ready to publish: Ctx carries the trace context of the
// work that produced it (for an outbox row, the request that wrote it).
type Message struct {
	Ctx       context.Context
	Topic     string
	Key       string
	EventID   string
	EventType string
	Value     []byte
}

// Publisher writes messages with a producer span each and trace headers.
type Publisher struct {
	Writer      *kafka.Writer
	Tracer      trace.Tracer
	Propagation Propagation
}

// NewWriter returns a kafka-go Writer with kafkaconf's settings, logging
// its errors through logger.
func NewWriter(brokers []string, logger *slog.Logger) *kafka.Writer {
	w := kafkaconf.Writer(brokers)
	w.ErrorLogger = kafka.LoggerFunc(func(msg string, args ...any) { logger.Warn("kafka-go writer: " + fmt.Sprintf(msg, args...)) })
	return w
}

// Publish writes msgs in order in one call; each gets a producer span that is a
// child of its own context. It returns only when the broker acknowledged all.
func (p *Publisher) Publish(ctx context.Context, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	out := make([]kafka.Message, len(msgs))
	spans := make([]trace.Span, len(msgs))
	for i, m := range msgs {
		parent := m.Ctx
		if parent == nil {
			parent = ctx
		}
		sctx, span := p.Tracer.Start(parent, "send "+m.Topic, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(
				semconv.MessagingSystemKafka,
				semconv.MessagingOperationTypeSend,
				semconv.MessagingOperationName("send"),
				semconv.MessagingDestinationName(m.Topic),
				semconv.MessagingKafkaMessageKey(m.Key),
				semconv.MessagingMessageID(m.EventID),
				semconv.MessagingMessageBodySize(len(m.Value)),
				attribute.String("orderflow.event_type", m.EventType),
				// orderflow.order_id, or orderflow.sku for a stock movement:
				// a search by order id must not find SKUs.
				attribute.String("orderflow."+events.KeyName(m.EventType), m.Key),
			))
		spans[i] = span
		headers := []kafka.Header{
			{Key: kafkaconf.HeaderEventType, Value: []byte(m.EventType)},
			{Key: kafkaconf.HeaderEventID, Value: []byte(m.EventID)},
		}
		p.Propagation.Inject(sctx, &headers)
		out[i] = kafka.Message{Topic: m.Topic, Key: []byte(m.Key), Value: m.Value, Headers: headers, Time: time.Now()}
	}
	err := p.Writer.WriteMessages(ctx, out...)
	for i, span := range spans {
		if msgErr := messageError(err, i, len(out)); msgErr != nil {
			span.RecordError(msgErr)
			span.SetStatus(codes.Error, "publish failed")
		} else {
			span.SetAttributes(semconv.MessagingDestinationPartitionID(fmt.Sprint(out[i].Partition)))
		}
		span.End()
	}
	if err != nil {
		return fmt.Errorf("publish %d message(s) to %s: %w", len(msgs), msgs[0].Topic, err)
	}
	return nil
}

// messageError is the i-th message's own error: kafka-go answers a batch
// with one error per message (WriteErrors), whose text lists them all; on
// each message's span that read "dial tcp …: connection refused" 22 times.
func messageError(err error, i, n int) error {
	if we, ok := errors.AsType[kafka.WriteErrors](err); ok && len(we) == n {
		return we[i]
	}
	return err
}

// Close flushes and closes the writer.
func (p *Publisher) Close() error { return p.Writer.Close() }
