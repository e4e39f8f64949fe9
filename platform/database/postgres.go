package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/orderflow/platform/database/pgurl"
	"github.com/orderflow/platform/sqlitedb"
)

// pgPool is the connections one process keeps to PostgreSQL, writer and
// reader pools each: unlike SQLite's one writer, PostgreSQL runs
// transactions side by side, and every replica brings its own pools.
const pgPool = 8

// migrateLockKey is the advisory lock every replica takes while it creates
// its schema and migrates it, so two replicas starting at once do not race
// to apply one migration (the key is per database; schemas share it).
const migrateLockKey = 0x0fde_0001

// openPostgres opens url with schema as every connection's search_path,
// creates the schema if it is missing and applies the pending migrations
// (each schema's Postgres history), then opens the read pool.
func openPostgres(ctx context.Context, url, schema string, schemas []sqlitedb.Schema) (sqlitedb.Pair, error) {
	cfg, err := pgurl.Parse(url)
	if err != nil {
		return sqlitedb.Pair{}, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.RuntimeParams["search_path"] = schema
	reruns := newReruns()
	db := openPool(cfg, reruns)
	if err := migratePostgres(ctx, db, schema, schemas); err != nil {
		db.Close()
		return sqlitedb.Pair{}, fmt.Errorf("migrate PostgreSQL schema %s: %w", schema, err)
	}
	read := openPool(cfg, reruns)
	versions, err := sqlitedb.VersionsIn(ctx, read, goose.DialectPostgres, schemas...)
	if err != nil {
		return sqlitedb.Pair{}, errors.Join(fmt.Errorf("read the migration history of schema %s: %w", schema, err), read.Close(), db.Close())
	}
	return sqlitedb.Pair{DB: db, Read: read, Schema: versions}, nil
}

func openPool(cfg *pgx.ConnConfig, reruns *Reruns) *sql.DB {
	db := sql.OpenDB(rebindConnector{base: stdlib.GetConnector(*cfg), reruns: reruns})
	db.SetMaxOpenConns(pgPool)
	db.SetMaxIdleConns(pgPool)
	return db
}

// migratePostgres holds the advisory lock on one connection while it creates
// the schema and runs goose for each part, in order.
func migratePostgres(ctx context.Context, db *sql.DB, schema string, schemas []sqlitedb.Schema) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockKey)
	if _, err := conn.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	for _, s := range schemas {
		if s.Postgres == nil {
			return fmt.Errorf("schema %s has no PostgreSQL migrations", s.Name)
		}
		p, err := goose.NewProvider(goose.DialectPostgres, db, s.Postgres,
			goose.WithTableName(s.HistoryTable()), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("schema %s: %w", s.Name, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("schema %s: %w", s.Name, err)
		}
	}
	return nil
}
