-- One row per order: its status and the time of every step of its timeline.
-- IF NOT EXISTS: databases created before goose already have it.
-- +goose Up
CREATE TABLE IF NOT EXISTS orders (
	id           TEXT PRIMARY KEY,
	customer_id  TEXT NOT NULL,
	items        TEXT NOT NULL,
	status       TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	invoice_id   TEXT NOT NULL DEFAULT '',
	total_cents  INTEGER NOT NULL DEFAULT 0,
	trace_id     TEXT NOT NULL DEFAULT '',
	placed_at    TEXT NOT NULL,
	reserved_at  TEXT NOT NULL DEFAULT '',
	rejected_at  TEXT NOT NULL DEFAULT '',
	invoiced_at  TEXT NOT NULL DEFAULT '',
	confirmed_at TEXT NOT NULL DEFAULT '',
	failed_at    TEXT NOT NULL DEFAULT '',
	updated_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_placed_at ON orders(placed_at);
