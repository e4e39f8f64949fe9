-- Orders are numbered (rowid, which pages.go pages by) in the order they
-- commit, as SQLite's one writer numbers them. The identity column alone
-- does not: two replicas' transactions take 10 and 11, 11 commits first, and
-- a reader paging after 11 never sees 10. So the number is taken under a
-- transaction-scoped lock the inserting transaction holds until it commits:
-- order inserts queue for each other's commit (a placement's transaction is
-- short: the order, its outbox row, its saga), and a number never commits
-- behind a higher one. The identity's own value, taken before the trigger
-- runs, is a gap.
-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION orders_number_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.orders.rowid'));
	NEW.rowid := nextval(pg_get_serial_sequence(quote_ident(TG_TABLE_SCHEMA) || '.orders', 'rowid'));
	RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER orders_number_at_commit BEFORE INSERT ON orders
	FOR EACH ROW EXECUTE FUNCTION orders_number_at_commit();
