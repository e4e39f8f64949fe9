// Package inbox makes consumers idempotent: the id of every processed event is
// stored in the same transaction as the state change it caused, so a
// redelivered event is recognised and changes nothing.
package inbox

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/orderflow/platform/sqlitedb"
)

// Schema is the processed_events table and its index (migrations/), which
// every consuming service applies to its database beside its own schema.
var Schema = sqlitedb.Schema{Name: "inbox", FS: sqlitedb.MustSub(migrations, "migrations"),
	Postgres: sqlitedb.MustSub(migrations, "migrations/postgres")}

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Claim records eventID in tx. It returns false if the event was already
// processed, in which case the caller must skip the state change.
func Claim(ctx context.Context, tx *sql.Tx, eventID, eventType string) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO processed_events(event_id, event_type) VALUES (?, ?) ON CONFLICT(event_id) DO NOTHING`, eventID, eventType)
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", eventID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", eventID, err)
	}
	return n == 1, nil
}
