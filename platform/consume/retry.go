package consume

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/kafkaconf"
	"github.com/orderflow/platform/retry"
)

// handlerBackoff spaces a failing handler's attempts and a dead letter's
// writes: 100 ms doubling up to 3 s.
var handlerBackoff = retry.Backoff{First: 100 * time.Millisecond, Max: 3 * time.Second}

// Retry retries a lone message whose handling failed, in place and without
// limit, spaced by backoff, until it succeeds, fails with an error wrapping
// events.ErrInvalid (returned for DeadLetter), or ctx ends (ctx's error is
// returned). Only the message's partition waits for it. Each failed attempt
// counts in stats.Retries and leaves a "retry <topic>" span. A batch of
// several is tried once: Isolate hands its messages on one by one when it
// fails, so a good event never waits behind a bad one's retries.
func Retry(backoff retry.Backoff, tracer trace.Tracer, log *slog.Logger, stats *Stats) Middleware {
	return func(next kafkabus.Handler) kafkabus.Handler {
		return func(ctx context.Context, batch []*kafkabus.Delivery) error {
			if len(batch) != 1 {
				return next(ctx, batch)
			}
			d := batch[0]
			for attempt := 1; ; attempt++ {
				err := next(ctx, batch)
				if err == nil {
					return nil
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if errors.Is(err, events.ErrInvalid) {
					return err
				}
				stats.Retries.Add(1)
				failedAttempt(d, tracer, attempt, backoff.Delay(attempt), err)
				log.WarnContext(d.Ctx, "handler failed, retrying", "topic", d.Msg.Topic, "offset", d.Msg.Offset, "attempt", attempt, "err", err)
				if !retry.Sleep(ctx, backoff.Delay(attempt)) {
					return ctx.Err()
				}
			}
		}
	}
}

// failedAttempt records a failed handling as its own short span. The
// process span stays open for as long as the retries go on (it ends when the
// event is handled), and an open span is exported only when it ends: without
// these, an event stuck behind a failing dependency leaves no trace in
// Jaeger until it recovers — exactly when someone is looking for it.
func failedAttempt(d *kafkabus.Delivery, tracer trace.Tracer, attempt int, nextTry time.Duration, err error) {
	m := d.Msg
	typ := kafkabus.Header(m.Headers, kafkaconf.HeaderEventType)
	_, span := tracer.Start(d.Ctx, "retry "+m.Topic, trace.WithAttributes(
		attribute.String("orderflow.event_type", typ),
		attribute.String("orderflow."+events.KeyName(typ), string(m.Key)),
		attribute.Int("orderflow.attempt", attempt),
		attribute.String("orderflow.next_try_in", nextTry.String()),
	))
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	span.End()
}
