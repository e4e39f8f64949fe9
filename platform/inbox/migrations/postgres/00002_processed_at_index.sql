-- Lets Prune find old rows without reading the whole table (../00002_processed_at_index.sql).
-- +goose Up
CREATE INDEX IF NOT EXISTS processed_events_processed_at ON processed_events(processed_at);
