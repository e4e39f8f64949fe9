// Package consume is what happens to a consumed message between the fetch
// and the offset commit. The Processor is the one place where a consumed
// event becomes a state change: in one transaction it claims the event id in
// the inbox (so a redelivery changes nothing), runs the service's Apply
// function, and stores the events it emits in the outbox; after the commit it
// wakes the relay. A service writes only the state change. The shape follows
// Watermill's HandlerFunc(msg) ([]*Message, error): an Apply function returns
// what it emits instead of publishing it, so the emitting can be
// transactional. Around the Processor, Watermill's model again: Middleware
// values, one idea each (tracing, decoding, dead-lettering, retrying, fault
// injection), composed once in DefaultChain into the kafkabus.Handler a
// consumer calls.
package consume

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/inbox"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
)

// Apply changes state for one event in tx and returns the events to
// publish because of it (none is fine). An error wrapping events.ErrInvalid
// means the event can never be applied (it is dead-lettered); any other error
// is retried. It must use only tx: the transaction holds the database's
// writer.
type Apply func(ctx context.Context, tx *sql.Tx, env events.Envelope, payload events.Payload) ([]events.Envelope, error)

// Routes maps an event type to its Apply function. Events of other types are
// skipped without an inbox row: a topic is shared by several event types and
// a service reacts to some of them only.
type Routes map[string]Apply

// Processor applies events through Routes, exactly once per event id.
type Processor struct {
	// DB is the service's database (its writer).
	DB     *sql.DB
	Routes Routes
	// Outbox receives the emitted events; nil when no handler emits any.
	Outbox *outbox.Writer
	// Stats, when set, counts the redelivered events the inbox had already
	// seen (Stats.Duplicates): what a rebalance or a crash costs.
	Stats *Stats
	// Lock, when set, runs first in every transaction, before the inbox
	// claim: where a service makes its writers of a hot table wait for each
	// other instead of failing to serialize (see Lock).
	Lock Lock
}

// Lock takes, in tx and before any read, the lock a service's writers of a
// hot table queue on. On PostgreSQL a SERIALIZABLE transaction's snapshot is
// taken by its first read or write, so a lock taken later still lets two
// writers of one row fail to serialize (or deadlock, detected only after
// deadlock_timeout); taken first, the second writer waits and then sees
// the first's commit. On SQLite, one writer already, it does nothing.
type Lock func(ctx context.Context, tx *sql.Tx) error

// Handle applies batch in one transaction, in order, and returns nil only if
// every event of it was applied (or skipped, or already processed). On an
// error nothing of the batch is applied; Isolate then hands the events on one
// by one, which is how the failing one is found. It is the innermost
// kafkabus.Handler of DefaultChain.
func (p *Processor) Handle(ctx context.Context, batch []*kafkabus.Delivery) error {
	if !p.anyRouted(batch) {
		return nil // no transaction for a batch of events nobody here reacts to
	}
	emitted, dups := 0, 0
	err := sqlitedb.InTx(ctx, p.DB, func(tx *sql.Tx) error {
		emitted, dups = 0, 0 // a run again (PostgreSQL, sqlitedb.InTx) counts afresh
		if p.Lock != nil {
			if err := p.Lock(ctx, tx); err != nil {
				return err
			}
		}
		for _, ev := range batch {
			n, dup, err := p.apply(tx, ev)
			if err != nil {
				return err
			}
			emitted += n
			if dup {
				dups++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if p.Stats != nil {
		p.Stats.Duplicates.Add(int64(dups)) // committed: the skips happened
	}
	if emitted > 0 {
		p.Outbox.Notify() // after the commit, or the relay may look too early
	}
	return nil
}

// HandleOne applies one event on its own (tests, and callers without a consumer).
func (p *Processor) HandleOne(ctx context.Context, env events.Envelope, payload events.Payload) error {
	return p.Handle(ctx, []*kafkabus.Delivery{{Ctx: ctx, Env: env, Payload: payload}})
}

func (p *Processor) anyRouted(batch []*kafkabus.Delivery) bool {
	for _, ev := range batch {
		if p.Routes[ev.Env.Type] != nil {
			return true
		}
	}
	return false
}

// apply handles one event in tx and returns how many events it emitted, or
// dup when the inbox had it already (a redelivery: skipped). The event's own
// context (its process span) is used, so the outbox rows carry the trace of
// the event that caused them.
func (p *Processor) apply(tx *sql.Tx, ev *kafkabus.Delivery) (emitted int, dup bool, err error) {
	h := p.Routes[ev.Env.Type]
	if h == nil {
		return 0, false, nil
	}
	ctx := ev.Ctx
	first, err := inbox.Claim(ctx, tx, ev.Env.ID, ev.Env.Type)
	if err != nil || !first {
		return 0, err == nil, err
	}
	out, err := h(ctx, tx, ev.Env, ev.Payload)
	if err != nil {
		return 0, false, fmt.Errorf("%s %s: %w", ev.Env.Type, ev.Env.ID, err)
	}
	if len(out) > 0 && p.Outbox == nil {
		return 0, false, fmt.Errorf("%s %s: the handler emitted %d event(s) but the processor has no outbox", ev.Env.Type, ev.Env.ID, len(out))
	}
	for _, o := range out {
		if err := p.Outbox.Add(ctx, tx, o); err != nil {
			return 0, false, err
		}
	}
	return len(out), false, nil
}
