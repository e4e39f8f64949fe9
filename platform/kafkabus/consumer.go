package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkaconf"
)

// Event is one decoded message handed to a Handler. Ctx carries the event's
// process span: work done for the event (and the events it emits) belongs to
// its own trace, even when it is handled in a batch with others.
type Event struct {
	Ctx     context.Context
	Env     events.Envelope
	Payload events.Payload
}

// Handler applies a batch of decoded events as one unit (platform/consume
// does it in one database transaction): nil means every event was applied,
// an error that none was. For a batch of one, an error wrapping
// events.ErrInvalid sends the message to the dead-letter topic; any other
// error is retried.
type Handler func(ctx context.Context, batch []Event) error

// ConsumerConfig configures a Consumer.
type ConsumerConfig struct {
	Brokers     []string
	Group       string
	Topics      []string
	Handler     Handler
	Tracer      trace.Tracer
	Propagation Propagation
	// DLQ publishes dead letters; the topic is events.DLQ(original topic).
	DLQ    *kafka.Writer
	Logger *slog.Logger
	// Faults, when set, can pause fetching and slow or fail handlings (a
	// failed handling is retried like any transient error).
	Faults Faults
}

// Faults is what a consumer needs from fault injection.
type Faults interface {
	WaitResumed(ctx context.Context) error
	Apply(ctx context.Context) error
}

// Consumer is a consumer-group loop: fetch, process, commit after the state
// change is written (the handler dedupes by event id in the same transaction).
type Consumer struct {
	cfg    ConsumerConfig
	reader *kafka.Reader
	// Counters for /metrics and tests.
	Processed  atomic.Int64
	DeadLetter atomic.Int64
	Retries    atomic.Int64
}

// NewReader returns a kafka-go group Reader with kafkaconf's settings,
// logging through logger.
func NewReader(brokers []string, group string, topics []string, logger *slog.Logger) *kafka.Reader {
	cfg := kafkaconf.GroupReader(brokers, group, topics)
	cfg.Logger = kafka.LoggerFunc(func(msg string, args ...any) { logger.Debug("kafka-go: " + fmt.Sprintf(msg, args...)) })
	cfg.ErrorLogger = kafka.LoggerFunc(func(msg string, args ...any) { logger.Warn("kafka-go: " + fmt.Sprintf(msg, args...)) })
	return kafka.NewReader(cfg)
}

// NewConsumer builds a consumer; call Run to start it.
func NewConsumer(cfg ConsumerConfig) *Consumer {
	return &Consumer{cfg: cfg}
}

// Run consumes until ctx is cancelled. The reader is made here, not in
// NewConsumer: kafka-go joins the group as soon as a reader exists, and a group
// joined before its topics exist gets an empty assignment.
func (c *Consumer) Run(ctx context.Context) error {
	c.reader = NewReader(c.cfg.Brokers, c.cfg.Group, c.cfg.Topics, c.cfg.Logger)
	defer c.reader.Close()
	for {
		m, err := c.reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c.cfg.Logger.WarnContext(ctx, "fetch failed, retrying", "group", c.cfg.Group, "err", err)
			if !sleep(ctx, time.Second) {
				return nil
			}
			continue
		}
		// Paused (fault injection): hold the fetched message, uncommitted,
		// until resumed; the reader's prefetch buffer fills and lag grows.
		if c.cfg.Faults != nil {
			if err := c.cfg.Faults.WaitResumed(ctx); err != nil {
				return nil
			}
		}
		if err := c.process(ctx, m); err != nil {
			if ctx.Err() != nil {
				return nil // not committed: redelivered after restart
			}
			return fmt.Errorf("consumer %s: %w", c.cfg.Group, err)
		}
		if err := c.commit(ctx, m); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

func (c *Consumer) commit(ctx context.Context, m kafka.Message) error {
	for attempt := 1; ; attempt++ {
		err := c.reader.CommitMessages(ctx, m)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// A failed commit only means redelivery, which the handler dedupes.
		c.cfg.Logger.WarnContext(ctx, "commit failed, retrying", "topic", m.Topic, "offset", m.Offset, "err", err)
		if attempt >= 5 {
			return fmt.Errorf("commit %s/%d@%d: %w", m.Topic, m.Partition, m.Offset, err)
		}
		if !sleep(ctx, backoff(attempt)) {
			return ctx.Err()
		}
	}
}

// process handles one message until it succeeded, was dead-lettered, or ctx ended.
func (c *Consumer) process(ctx context.Context, m kafka.Message) error {
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
	defer span.End()

	env, payload, err := events.Decode(m.Value)
	for attempt := 1; err == nil; attempt++ {
		if c.cfg.Faults != nil {
			err = c.cfg.Faults.Apply(sctx)
		}
		if err == nil {
			err = c.cfg.Handler(sctx, []Event{{Ctx: sctx, Env: env, Payload: payload}})
		}
		if err == nil {
			c.Processed.Add(1)
			return nil
		}
		if errors.Is(err, events.ErrInvalid) || ctx.Err() != nil {
			break
		}
		c.Retries.Add(1)
		c.failedAttempt(sctx, m, attempt, err)
		c.cfg.Logger.WarnContext(sctx, "handler failed, retrying", "topic", m.Topic, "offset", m.Offset, "attempt", attempt, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			return ctx.Err()
		}
		err = nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	span.RecordError(err)
	span.SetStatus(codes.Error, "dead-lettered")
	if dlqErr := c.deadLetter(sctx, m, err); dlqErr != nil {
		return dlqErr
	}
	c.DeadLetter.Add(1)
	c.cfg.Logger.ErrorContext(sctx, "event dead-lettered", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "dlq", events.DLQ(m.Topic), "err", err)
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

func backoff(attempt int) time.Duration {
	d := 50 * time.Millisecond << min(attempt, 6)
	return min(d, 3*time.Second)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
