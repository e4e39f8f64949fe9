package consume

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/segmentio/kafka-go"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/retry"
)

// DeadLetterWriter is what dead-lettering needs from a Kafka writer (a
// *kafka.Writer; one writer serves every topic, as messages carry theirs).
type DeadLetterWriter interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// DeadLetter sends messages that can never be applied to <topic>.dlq: first
// those marked Invalid (they do not decode), before next gets the rest; then
// a lone message whose handling failed with an error wrapping
// events.ErrInvalid. A batch of several that fails is passed back as it is:
// which message is bad is unknown until Isolate hands them on one by one. A
// dead letter is the message unchanged (key, value, headers) plus the
// dlq-* headers saying why and where it came from; its process span gets the
// error, and the message is Done. The write is retried until it succeeds or
// ctx ends: the offset must not be committed while the message would vanish.
func DeadLetter(w DeadLetterWriter, group string, log *slog.Logger, stats *Stats) Middleware {
	dl := deadLetterer{w: w, group: group, log: log, stats: stats}
	return func(next kafkabus.Handler) kafkabus.Handler {
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			rest := make([]*kafkabus.Delivery, 0, len(batch))
			for _, d := range batch {
				if d.Invalid == nil {
					rest = append(rest, d)
					continue
				}
				if err := dl.giveUp(ctx, d, d.Invalid); err != nil {
					return err
				}
			}
			if len(rest) == 0 {
				return nil
			}
			err := next(ctx, rest)
			if len(rest) == 1 && errors.Is(err, events.ErrInvalid) && ctx.Err() == nil {
				return dl.giveUp(ctx, rest[0], err)
			}
			return err
		}
	}
}

type deadLetterer struct {
	w     DeadLetterWriter
	group string
	log   *slog.Logger
	stats *Stats
}

// giveUp dead-letters d for cause and marks it Done.
func (dl deadLetterer) giveUp(ctx context.Context, d *kafkabus.Delivery, cause error) error {
	m := d.Msg
	span := trace.SpanFromContext(d.Ctx)
	span.RecordError(cause)
	span.SetStatus(codes.Error, "dead-lettered")
	if err := dl.write(d.Ctx, m, cause); err != nil {
		return err
	}
	dl.stats.DeadLetter.Add(1)
	dl.log.ErrorContext(d.Ctx, "event dead-lettered", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "dlq", events.DLQ(m.Topic), "err", cause)
	d.Done()
	return nil
}

func (dl deadLetterer) write(ctx context.Context, m kafka.Message, cause error) error {
	headers := append([]kafka.Header{}, m.Headers...)
	carrier := kafkabus.HeaderCarrier{Headers: &headers}
	carrier.Set(kafkaconf.HeaderDLQError, cause.Error())
	carrier.Set(kafkaconf.HeaderDLQTopic, m.Topic)
	carrier.Set(kafkaconf.HeaderDLQPartition, strconv.Itoa(m.Partition))
	carrier.Set(kafkaconf.HeaderDLQOffset, strconv.FormatInt(m.Offset, 10))
	carrier.Set(kafkaconf.HeaderDLQGroup, dl.group)
	msg := kafka.Message{Topic: events.DLQ(m.Topic), Key: m.Key, Value: m.Value, Headers: headers}
	for attempt := 1; ; attempt++ {
		err := dl.w.WriteMessages(ctx, msg)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Not committing without the dead letter written: the message must not vanish.
		dl.log.WarnContext(ctx, "dead-letter write failed, retrying", "dlq", msg.Topic, "err", err)
		if !retry.Sleep(ctx, handlerBackoff.Delay(attempt)) {
			return ctx.Err()
		}
	}
}
