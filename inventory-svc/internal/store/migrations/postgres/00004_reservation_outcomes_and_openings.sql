-- PostgreSQL's version of ../00004_reservation_outcomes_and_openings.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- Why a reservation ended as it did (released: the cancel reason or
-- payment_declined with the decline's text; rejected; cancelled before it was
-- reserved), beside the reservation rather than in it so the rows of
-- databases written before stay as they were.
-- +goose Up
CREATE TABLE IF NOT EXISTS reservation_outcomes (
	reservation_id TEXT PRIMARY KEY REFERENCES reservations(id),
	reason         TEXT NOT NULL,
	detail         TEXT NOT NULL DEFAULT ''
);

-- Each SKU's opening balance: the on_hand it started with before any
-- movement, so on_hand = opening + the movements can be checked. A database
-- from before this table takes what on_hand minus its movements is now.
CREATE TABLE IF NOT EXISTS stock_openings (
	sku     TEXT PRIMARY KEY REFERENCES stock(sku),
	on_hand BIGINT NOT NULL
);
INSERT INTO stock_openings(sku, on_hand)
	SELECT s.sku, s.on_hand - COALESCE((SELECT SUM(m.delta) FROM stock_movements m WHERE m.sku = s.sku), 0)
	FROM stock s WHERE true
	ON CONFLICT(sku) DO NOTHING;
