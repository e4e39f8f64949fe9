-- Goods receipts and adjustments, each with the on_hand it left. A reference
-- is an idempotency key per SKU and kind; movements without one are not
-- deduplicated (the partial index skips them).
-- +goose Up
CREATE TABLE IF NOT EXISTS stock_movements (
	id            TEXT PRIMARY KEY,
	sku           TEXT NOT NULL REFERENCES stock(sku),
	kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'adjustment')),
	delta         INTEGER NOT NULL CHECK (delta <> 0 AND (kind = 'adjustment' OR delta > 0)),
	reference     TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL DEFAULT '',
	on_hand_after INTEGER NOT NULL CHECK (on_hand_after >= 0),
	created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS stock_movements_reference
	ON stock_movements(sku, kind, reference) WHERE reference <> '';
