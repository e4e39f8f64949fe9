// Package inbox makes consumers idempotent: the id of every processed event is
// stored in the same transaction as the state change it caused, so a
// redelivered event is recognised and changes nothing.
package inbox

import (
	"context"
	"database/sql"
	"fmt"
)

// Migration creates the processed_events table.
const Migration = `CREATE TABLE IF NOT EXISTS processed_events (
	event_id     TEXT PRIMARY KEY,
	event_type   TEXT NOT NULL,
	processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)`

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
