-- Lets the relay find the unpublished rows without reading the published
-- ones, which are kept for a day (Relay.Retention): without it every flush,
-- the metrics gauge and the mark-published UPDATE scan the whole table
-- (15 ms per flush at 10,000 kept rows, BenchmarkFlush), the UPDATE holding
-- the service's one SQLite writer.
-- +goose Up
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq) WHERE published_at IS NULL;
