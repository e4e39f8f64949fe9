-- The inbox in PostgreSQL: the history of ../00001_processed_events.sql.
-- One table shared by a service's replicas: the primary key makes a
-- redelivery to another replica a conflict, so it is skipped there too.
-- +goose Up
CREATE TABLE IF NOT EXISTS processed_events (
	event_id     TEXT PRIMARY KEY,
	event_type   TEXT NOT NULL,
	processed_at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);
