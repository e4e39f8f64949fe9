-- Orders are numbered (rowid, which pages.go pages by) in the order they
-- commit. SQLite's one writer already does that: nothing to change here; the
-- step exists so both stores share one history (postgres/00005 does the work).
-- +goose Up
SELECT 1;
