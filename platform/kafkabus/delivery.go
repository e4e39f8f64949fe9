package kafkabus

import (
	"context"

	"github.com/segmentio/kafka-go"

	"github.com/orderflow/platform/events"
)

// Handler handles one fetched batch of a partition's messages, in offset
// order. The Consumer calls it with every batch and commits the batch's
// offsets when it returns nil, so it returns nil only once every message of
// it is done with (applied, skipped or dead-lettered), and an error only when
// ctx ended: the batch is then not committed and its messages are redelivered
// to the partition's next owner. platform/consume builds this handler as a
// chain of middleware (retry, dead-lettering, fault injection, tracing)
// around the service's state change.
type Handler func(ctx context.Context, batch []*Delivery) error

// Delivery is one fetched message on its way through a Handler.
type Delivery struct {
	// Msg is the message as fetched: topic, partition, offset, key, value,
	// headers, and the producer's timestamp.
	Msg kafka.Message
	// Ctx is the message's own context: it carries its process span (once
	// consume.Trace started it), so work done for the message, and the events
	// it emits, belong to its own trace even in a batch with others.
	Ctx context.Context
	// Env and Payload are the decoded event (consume.Decode).
	Env     events.Envelope
	Payload events.Payload
	// Invalid is why the message can never be applied (it does not decode);
	// it wraps events.ErrInvalid, and such a message is dead-lettered.
	Invalid error

	done   bool
	onDone []func()
}

// NewDelivery is m as fetched, in the context of the partition's worker.
func NewDelivery(ctx context.Context, m kafka.Message) *Delivery {
	return &Delivery{Msg: m, Ctx: ctx}
}

// Done says the message is handled: applied, skipped or dead-lettered. It
// runs the OnDone functions once, so a message's process span ends when that
// message is done with, not when the rest of its batch is.
func (d *Delivery) Done() {
	if d.done {
		return
	}
	d.done = true
	for _, f := range d.onDone {
		f()
	}
}

// IsDone reports whether Done was called.
func (d *Delivery) IsDone() bool { return d.done }

// OnDone adds f to what Done runs.
func (d *Delivery) OnDone(f func()) { d.onDone = append(d.onDone, f) }
