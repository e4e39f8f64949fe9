package outbox

import (
	"context"
	"database/sql"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
)

// Writer is what a request handler that produces events needs: Add in the
// transaction of the state change, Notify after its commit. It hides the
// topic, the trace propagator and the relay, so the handler stays unaware of
// Kafka. Sync mode, where nobody consumes the events, wires none.
type Writer struct {
	Topic      string
	Propagator propagation.TextMapPropagator
	Relay      interface{ Notify() }
}

// Add stores env for w.Topic in tx.
func (w *Writer) Add(ctx context.Context, tx *sql.Tx, env events.Envelope) error {
	return Add(ctx, tx, w.Propagator, w.Topic, env)
}

// Notify wakes the relay; call it only after the commit that wrote the rows,
// or the relay may look before they are visible and wait for its next poll.
func (w *Writer) Notify() { w.Relay.Notify() }
