-- The inbox: the id of every processed event, stored in the same transaction
-- as the state change it caused, so a redelivery changes nothing.
-- +goose Up
CREATE TABLE IF NOT EXISTS processed_events (
	event_id     TEXT PRIMARY KEY,
	event_type   TEXT NOT NULL,
	processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
