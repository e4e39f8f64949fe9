-- PostgreSQL's version of ../00001_stock.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- Stock per SKU (reserved never above on_hand) and one reservation per order.
-- IF NOT EXISTS: databases created before goose already have them.
-- +goose Up
CREATE TABLE IF NOT EXISTS stock (
	sku      TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	on_hand  BIGINT NOT NULL CHECK (on_hand >= 0),
	reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);
CREATE TABLE IF NOT EXISTS reservations (
	id          TEXT PRIMARY KEY,
	order_id    TEXT NOT NULL UNIQUE,
	status      TEXT NOT NULL,
	lines       TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	released_at TEXT NOT NULL DEFAULT ''
);
