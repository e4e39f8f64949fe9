-- PostgreSQL's version of ../00001_checks.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- One verdict per order (order_id PRIMARY KEY: a redelivered event or a
-- retried call cannot judge an order twice).
-- +goose Up
CREATE TABLE checks (
	order_id       TEXT PRIMARY KEY,
	customer_id    TEXT NOT NULL,
	reservation_id TEXT NOT NULL,
	units          BIGINT NOT NULL,
	verdict        TEXT NOT NULL CHECK (verdict IN ('cleared', 'suspected')),
	reason         TEXT NOT NULL DEFAULT '',
	checked_at     TEXT NOT NULL
);
