-- PostgreSQL's version of ../00001_invoices.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- One invoice per order (order_id UNIQUE: a retried call or a redelivered
-- event cannot issue a second). IF NOT EXISTS: databases created before goose
-- already have it.
-- +goose Up
CREATE TABLE IF NOT EXISTS invoices (
	id          TEXT PRIMARY KEY,
	order_id    TEXT NOT NULL UNIQUE,
	customer_id TEXT NOT NULL,
	lines       TEXT NOT NULL,
	total_cents BIGINT NOT NULL,
	currency    TEXT NOT NULL,
	issued_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invoices_issued_at ON invoices(issued_at);
