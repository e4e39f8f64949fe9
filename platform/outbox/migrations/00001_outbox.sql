-- The outbox: events written in the same transaction as the state change
-- they announce, published to Kafka by the relay afterwards. IF NOT EXISTS:
-- databases created before goose already have the table.
-- +goose Up
CREATE TABLE IF NOT EXISTS outbox (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id     TEXT NOT NULL UNIQUE,
	event_type   TEXT NOT NULL,
	topic        TEXT NOT NULL,
	msg_key      TEXT NOT NULL,
	payload      BLOB NOT NULL,
	trace_ctx    TEXT NOT NULL DEFAULT '{}',
	created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	published_at TEXT
);
