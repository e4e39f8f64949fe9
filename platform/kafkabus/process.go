package kafkabus

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/retry"
)

// delivery is one fetched message on its way through the handler: its
// process span (open until the message is applied or dead-lettered) and
// what it decoded to.
type delivery struct {
	msg       kafka.Message
	ctx       context.Context // carries span
	span      trace.Span
	env       events.Envelope
	payload   events.Payload
	decodeErr error
	ended     bool
}

// finish ends the process span once.
func (d *delivery) finish() {
	if !d.ended {
		d.ended = true
		d.span.End()
	}
}

// begin starts the message's process span and decodes it.
func (c *Consumer) begin(ctx context.Context, m kafka.Message) *delivery {
	parent, opts := c.cfg.Propagation.ConsumerStart(ctx, m.Headers)
	waited := time.Since(m.Time)
	opts = append(opts, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		semconv.MessagingSystemKafka,
		semconv.MessagingOperationTypeProcess,
		semconv.MessagingOperationName("process"),
		semconv.MessagingDestinationName(m.Topic),
		semconv.MessagingConsumerGroupName(c.cfg.Group),
		semconv.MessagingDestinationPartitionID(strconv.Itoa(m.Partition)),
		semconv.MessagingKafkaOffset(int(m.Offset)),
		semconv.MessagingKafkaMessageKey(string(m.Key)),
		semconv.MessagingMessageID(Header(m.Headers, kafkaconf.HeaderEventID)),
		attribute.String("orderflow.event_type", Header(m.Headers, kafkaconf.HeaderEventType)),
		attribute.String("orderflow."+events.KeyName(Header(m.Headers, kafkaconf.HeaderEventType)), string(m.Key)),
		// How long the message sat between the producer's send and this
		// consumer: the cost of the hop that a waterfall shows as a gap.
		attribute.Int64("orderflow.kafka_wait_ms", waited.Milliseconds()),
	))
	sctx, span := c.cfg.Tracer.Start(parent, "process "+m.Topic, opts...)
	d := &delivery{msg: m, ctx: sctx, span: span}
	d.env, d.payload, d.decodeErr = events.Decode(m.Value)
	return d
}

// processOne handles one decoded message on its own until it succeeded, was
// dead-lettered, or ctx ended; a failed handling is retried with backoff, and
// only this message's partition waits for it.
func (c *Consumer) processOne(ctx context.Context, d *delivery) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = nil
		if c.cfg.Faults != nil {
			err = c.cfg.Faults.Apply(d.ctx)
		}
		if err == nil {
			err = c.cfg.Handler(d.ctx, []Event{{Ctx: d.ctx, Env: d.env, Payload: d.payload}})
		}
		if err == nil {
			c.Processed.Add(1)
			return nil
		}
		if errors.Is(err, events.ErrInvalid) || ctx.Err() != nil {
			break
		}
		c.Retries.Add(1)
		c.failedAttempt(d.ctx, d.msg, attempt, err)
		c.cfg.Logger.WarnContext(d.ctx, "handler failed, retrying", "topic", d.msg.Topic, "offset", d.msg.Offset, "attempt", attempt, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			return ctx.Err()
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return c.giveUp(ctx, d, err)
}

// giveUp dead-letters a message that can never be applied.
func (c *Consumer) giveUp(ctx context.Context, d *delivery, cause error) error {
	m := d.msg
	d.span.RecordError(cause)
	d.span.SetStatus(codes.Error, "dead-lettered")
	if err := c.deadLetter(d.ctx, m, cause); err != nil {
		return err
	}
	c.DeadLetter.Add(1)
	c.cfg.Logger.ErrorContext(d.ctx, "event dead-lettered", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "dlq", events.DLQ(m.Topic), "err", cause)
	return nil
}

// failedAttempt records a failed handling as its own short span. The
// process span stays open for as long as the retries go on (it ends when the
// event is handled), and an open span is exported only when it ends: without
// these, an event stuck behind a failing dependency leaves no trace in
// Jaeger until it recovers — exactly when someone is looking for it.
func (c *Consumer) failedAttempt(ctx context.Context, m kafka.Message, attempt int, err error) {
	_, span := c.cfg.Tracer.Start(ctx, "retry "+m.Topic, trace.WithAttributes(
		attribute.String("orderflow.event_type", Header(m.Headers, kafkaconf.HeaderEventType)),
		attribute.String("orderflow."+events.KeyName(Header(m.Headers, kafkaconf.HeaderEventType)), string(m.Key)),
		attribute.Int("orderflow.attempt", attempt),
		attribute.String("orderflow.next_try_in", backoff(attempt).String()),
	))
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	span.End()
}

func (c *Consumer) deadLetter(ctx context.Context, m kafka.Message, cause error) error {
	headers := append([]kafka.Header{}, m.Headers...)
	carrier := HeaderCarrier{&headers}
	carrier.Set(kafkaconf.HeaderDLQError, cause.Error())
	carrier.Set(kafkaconf.HeaderDLQTopic, m.Topic)
	carrier.Set(kafkaconf.HeaderDLQPartition, strconv.Itoa(m.Partition))
	carrier.Set(kafkaconf.HeaderDLQOffset, strconv.FormatInt(m.Offset, 10))
	carrier.Set(kafkaconf.HeaderDLQGroup, c.cfg.Group)
	msg := kafka.Message{Topic: events.DLQ(m.Topic), Key: m.Key, Value: m.Value, Headers: headers}
	for attempt := 1; ; attempt++ {
		err := c.cfg.DLQ.WriteMessages(ctx, msg)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Not committing without the dead letter written: the message must not vanish.
		c.cfg.Logger.WarnContext(ctx, "dead-letter write failed, retrying", "dlq", msg.Topic, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// retryBackoff spaces a failing handler's attempts and failed commits:
// 100 ms doubling up to 3 s.
var retryBackoff = retry.Backoff{First: 100 * time.Millisecond, Max: 3 * time.Second}

func backoff(attempt int) time.Duration { return retryBackoff.Delay(attempt) }

func sleep(ctx context.Context, d time.Duration) bool { return retry.Sleep(ctx, d) }
