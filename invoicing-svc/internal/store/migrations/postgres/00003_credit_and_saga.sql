-- PostgreSQL's version of ../00003_credit_and_saga.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- The saga: an invoice is ISSUED (charged), DECLINED (refused, kept so a
-- redelivery or a retried call gets the same answer) or VOIDED (the order
-- was cancelled; its amount is back in the customer's credit). Rows from
-- before were all issued. reason: why declined or voided.
-- customers: a customer's own credit limit; one without a row has
-- DEFAULT_CREDIT_LIMIT_CENTS. cancellations: tombstones of orders
-- cancelled before they were charged, so a later StockReserved charges nothing.
-- +goose Up
ALTER TABLE invoices ADD COLUMN status TEXT NOT NULL DEFAULT 'ISSUED' CHECK (status IN ('ISSUED', 'DECLINED', 'VOIDED'));
ALTER TABLE invoices ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN voided_at TEXT;
CREATE INDEX invoices_customer_status ON invoices(customer_id, status);
CREATE TABLE customers (
	id          TEXT PRIMARY KEY,
	limit_cents BIGINT NOT NULL CHECK (limit_cents >= 0),
	updated_at  TEXT NOT NULL
);
CREATE TABLE cancellations (
	order_id     TEXT PRIMARY KEY,
	reason       TEXT NOT NULL,
	cancelled_at TEXT NOT NULL
);
