-- PostgreSQL's version of ../00004_orchestration.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- The orchestrated saga (issue 21, SAGA=orchestration): the step each
-- order's saga is at, beside the order (whose row keeps its status). Only
-- orchestrated orders have a row.
-- +goose Up
CREATE TABLE saga_steps (
	order_id   TEXT PRIMARY KEY REFERENCES orders(id),
	step       TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
