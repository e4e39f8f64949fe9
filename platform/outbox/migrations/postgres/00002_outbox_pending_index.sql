-- The relay's index of unpublished rows, as ../00002_outbox_pending_index.sql.
-- +goose Up
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq) WHERE published_at IS NULL;
