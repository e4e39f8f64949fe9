package consume

import (
	"log/slog"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/kafkabus"
)

// Middleware wraps a handler of consumed batches with one concern: Watermill's
// HandlerMiddleware, for batches.
type Middleware func(kafkabus.Handler) kafkabus.Handler

// Chain wraps h in mws. The first is the outermost: it sees a batch first and
// its result last.
func Chain(h kafkabus.Handler, mws ...Middleware) kafkabus.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Stats count what a consumer's chain did, for /metrics and tests.
type Stats struct {
	// Processed is the messages applied (or skipped: no route, or already
	// processed); consumer_processed_events_total.
	Processed atomic.Int64
	// DeadLetter is the messages written to a dead-letter topic;
	// consumer_dead_lettered_events_total.
	DeadLetter atomic.Int64
	// Retries is the failed attempts that were retried;
	// consumer_retries_total.
	Retries atomic.Int64
	// Duplicates is the redelivered events the inbox had already seen and
	// skipped (Processor.Stats); consumer_duplicate_events_total.
	Duplicates atomic.Int64
}

// ChainConfig is what DefaultChain's middleware need.
type ChainConfig struct {
	// Group is the consumer group, on spans and dead letters.
	Group  string
	Tracer trace.Tracer
	// Parent places each message's process span (kafkabus.Propagation's
	// ConsumerStart).
	Parent SpanParent
	// DLQ publishes dead letters; the topic is events.DLQ(original topic).
	DLQ DeadLetterWriter
	// Faults, when set, can pause consuming and slow or fail handlings.
	Faults Faults
	Logger *slog.Logger
	// Stats receive the counts; required.
	Stats *Stats
}

// DefaultChain is every service's consumer: h (the Processor's Handle)
// wrapped, outermost first, in
//   - Pause: a paused consumer holds its fetched batch, before any span starts;
//   - Trace: one process span per message, ended when the message is done;
//   - Decode: a message that is no valid event is marked Invalid;
//   - Isolate: a batch that fails is handed on again one message at a time;
//   - DeadLetter: an invalid message goes to <topic>.dlq, the rest on;
//   - Retry: a message that fails on its own is retried in place;
//   - InjectFaults: injected latency and errors, per handling;
//   - Count: what h applied.
//
// So a batch is one call of h (one transaction) while it goes well; only
// when it fails do its messages go one by one, and only the bad one is
// retried or dead-lettered.
func DefaultChain(h kafkabus.Handler, cfg ChainConfig) kafkabus.Handler {
	return Chain(h,
		Pause(cfg.Faults),
		Trace(cfg.Tracer, cfg.Group, cfg.Parent),
		Decode,
		Isolate,
		DeadLetter(cfg.DLQ, cfg.Group, cfg.Logger, cfg.Stats),
		Retry(handlerBackoff, cfg.Tracer, cfg.Logger, cfg.Stats),
		InjectFaults(cfg.Faults),
		Count(cfg.Stats),
	)
}
