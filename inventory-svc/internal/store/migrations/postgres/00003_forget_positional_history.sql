-- PostgreSQL's version of ../00003_forget_positional_history.sql (the same history; INTEGER is BIGINT here, as SQLite's integers are 64-bit).
-- Databases created before goose recorded their migrations by position in
-- schema_migrations; their tables are the ones the migrations above create
-- (IF NOT EXISTS made those no-ops there), so that bookkeeping goes.
-- +goose Up
DROP TABLE IF EXISTS schema_migrations;
