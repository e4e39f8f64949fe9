package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"regexp"
	"time"

	"github.com/pressly/goose/v3"
)

// Schema is one owner's part of a database: its goose SQL migrations
// (NNNNN_what.sql, "-- +goose Up" sections) and the table that records which
// of them ran. A service's database holds several: the service's own tables,
// and the outbox and inbox tables platform owns, each evolving on its own.
type Schema struct {
	Name string // e.g. "outbox", "order-svc"; names the history table
	FS   fs.FS  // the migration files at its root (go:embed)
	// Postgres is the same history (the same versions) in PostgreSQL's
	// dialect, which platform/database applies when DATABASE_URL is set.
	Postgres fs.FS
}

// HistoryTable is where s's applied migrations are recorded.
func (s Schema) HistoryTable() string {
	return "schema_history_" + nonWord.ReplaceAllString(s.Name, "_")
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9_]`)

// migrate applies every schema's pending migrations, in the order given.
// goose refuses a migration numbered below the newest applied one that never
// ran (one inserted in the middle of the history): a changed history is an
// error, not a silent skip.
func migrate(ctx context.Context, db *sql.DB, schemas []Schema) error {
	for _, s := range schemas {
		p, err := goose.NewProvider(goose.DialectSQLite3, db, s.FS,
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

// Applied is one migration recorded in a schema's history.
type Applied struct {
	Version   int64     `json:"version"`
	AppliedAt time.Time `json:"applied_at"`
}

// SchemaVersion is a schema's state: its newest applied migration and how
// many the code knows.
type SchemaVersion struct {
	Schema  string    `json:"schema"`
	Version int64     `json:"version"`
	Known   int64     `json:"known"`
	History []Applied `json:"history"`
}

// Versions reads the history of every schema (for /readyz).
func Versions(ctx context.Context, db *sql.DB, schemas ...Schema) ([]SchemaVersion, error) {
	return VersionsIn(ctx, db, goose.DialectSQLite3, schemas...)
}

// VersionsIn is Versions for a database of the given goose dialect (a
// PostgreSQL schema's history is read from its Postgres files).
func VersionsIn(ctx context.Context, db *sql.DB, dialect goose.Dialect, schemas ...Schema) ([]SchemaVersion, error) {
	var out []SchemaVersion
	for _, s := range schemas {
		files := s.FS
		if dialect == goose.DialectPostgres {
			files = s.Postgres
		}
		p, err := goose.NewProvider(dialect, db, files,
			goose.WithTableName(s.HistoryTable()), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", s.Name, err)
		}
		current, known, err := p.GetVersions(ctx)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", s.Name, err)
		}
		v := SchemaVersion{Schema: s.Name, Version: current, Known: known}
		rows, err := db.QueryContext(ctx, `SELECT version_id, tstamp FROM `+s.HistoryTable()+` WHERE version_id > 0 AND is_applied ORDER BY id`)
		if err != nil {
			return nil, fmt.Errorf("schema %s history: %w", s.Name, err)
		}
		for rows.Next() {
			var a Applied
			if err := rows.Scan(&a.Version, &a.AppliedAt); err != nil {
				rows.Close()
				return nil, err
			}
			v.History = append(v.History, a)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// MustSub is fs.Sub for a directory embedded in the binary: a missing one is a
// programming error.
func MustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
