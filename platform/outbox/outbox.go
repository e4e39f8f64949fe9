// Package outbox implements the transactional outbox: a service writes the
// events it wants to publish into its own database in the same transaction as
// the state change, and a Relay publishes them to Kafka afterwards. No state
// change without its event, no event without its state change, even when the
// broker is down.
package outbox

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/sqlitedb"
)

// Schema is the outbox table and its index (migrations/), which every
// service using the outbox applies to its database beside its own schema.
var Schema = sqlitedb.Schema{Name: "outbox", FS: sqlitedb.MustSub(migrations, "migrations"),
	Postgres: sqlitedb.MustSub(migrations, "migrations/postgres")}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Add stores env for topic in tx. The trace context of ctx is stored with it so
// the relay's producer span continues the trace of the work that wrote it.
func Add(ctx context.Context, tx *sql.Tx, prop propagation.TextMapPropagator, topic string, env events.Envelope) error {
	body, err := env.Encode()
	if err != nil {
		return fmt.Errorf("outbox %s: %w", env.Type, err)
	}
	carrier := propagation.MapCarrier{}
	if prop != nil {
		prop.Inject(ctx, carrier)
	}
	tc, err := encodeCarrier(carrier)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox(event_id, event_type, topic, msg_key, payload, trace_ctx) VALUES (?, ?, ?, ?, ?, ?)`,
		env.ID, env.Type, topic, env.Key(), body, tc); err != nil {
		return fmt.Errorf("outbox insert %s %s: %w", env.Type, env.ID, err)
	}
	return nil
}

// Pending counts rows not yet published (for /metrics and the broker-down story).
func Pending(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE published_at IS NULL`).Scan(&n)
	return n, err
}

// Prune deletes rows published before cutoff and returns how many. The relay
// calls it now and then so the table holds only recent history: Kafka's log,
// not the outbox, is the record of what was published.
func Prune(ctx context.Context, db *sql.DB, cutoff time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?`, cutoff.UTC().Format("2006-01-02T15:04:05.000Z"))
	if err != nil {
		return 0, fmt.Errorf("outbox prune: %w", err)
	}
	return res.RowsAffected()
}
