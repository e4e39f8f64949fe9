-- PostgreSQL's version of ../00003_saga.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- The saga (issue 19): the reservation an order holds and the compensation
-- steps of its timeline. A table beside orders, one row per order that has
-- any of them, so the rows of orders stay as they were written (an upgrade
-- changes no existing row).
-- +goose Up
CREATE TABLE order_saga (
	order_id       TEXT PRIMARY KEY REFERENCES orders(id),
	reservation_id TEXT NOT NULL DEFAULT '',
	declined_at    TEXT NOT NULL DEFAULT '',
	released_at    TEXT NOT NULL DEFAULT '',
	voided_at      TEXT NOT NULL DEFAULT '',
	cancelled_at   TEXT NOT NULL DEFAULT '',
	-- W3C traceparent of the request that placed the order (events mode): the
	-- deadline's and the customer's cancellation join the order's trace.
	trace_parent   TEXT NOT NULL DEFAULT ''
);
-- The deadline sweeper looks for the orders that are not final.
CREATE INDEX IF NOT EXISTS orders_status ON orders(status);
