package outbox

import (
	"context"
	"database/sql"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/sqlitedb"
)

// Writer is what a request handler that produces events needs: Add in the
// transaction of the state change, Notify after its commit. It hides the
// topic, the trace propagator and the relay, so the handler stays unaware of
// Kafka. Sync mode, where nobody consumes the events, wires none.
type Writer struct {
	Topic string
	// ByType, when set, sends the event types it names to their own topic
	// instead (the orchestrator's commands, one topic per participant).
	ByType     map[string]string
	Propagator propagation.TextMapPropagator
	Relay      interface{ Notify() }
}

// Add stores env for w.Topic in tx.
func (w *Writer) Add(ctx context.Context, tx *sql.Tx, env events.Envelope) error {
	topic := w.Topic
	if t, ok := w.ByType[env.Type]; ok {
		topic = t
	}
	return Add(ctx, tx, w.Propagator, topic, env)
}

// Notify wakes the relay; call it only after the commit that wrote the rows,
// or the relay may look before they are visible and wait for its next poll.
func (w *Writer) Notify() { w.Relay.Notify() }

// Emit runs fn in one transaction of db, stores the events fn returns in the
// same transaction and wakes the relay after the commit: the state change and
// its events are written together or not at all, and the relay never looks
// before they are visible.
func (w *Writer) Emit(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) ([]events.Envelope, error)) error {
	n := 0
	err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
		out, err := fn(tx)
		if err != nil {
			return err
		}
		for _, env := range out {
			if err := w.Add(ctx, tx, env); err != nil {
				return err
			}
		}
		n = len(out)
		return nil
	})
	if err == nil && n > 0 {
		w.Notify()
	}
	return err
}
