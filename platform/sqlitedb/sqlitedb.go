// Package sqlitedb opens a service's SQLite database (pure-Go driver, WAL, a
// per-connection prepared-statement cache: stmtcache.go) and
// applies its migrations; InTx runs a function in one transaction. A service
// has one writer connection (Open) and a pool of readers beside it
// (OpenReader): WAL lets readers see the last commit while the writer's
// transaction runs.
package sqlitedb

import (
	"math/rand/v2"
	"time"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/orderflow/platform/retry"
)

// Open opens path, enables WAL and foreign keys and applies the schemas'
// pending migrations (see Schema).
func Open(ctx context.Context, path string, schemas ...Schema) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database directory %s: %w", dir, err)
		}
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := openCached(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: SQLite serialises writers anyway, and a single connection
	// makes every transaction strictly ordered with no SQLITE_BUSY surprises.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := migrate(ctx, db, schemas); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

// Readers is the size of a service's read pool: enough for the status polls,
// /metrics and the relay to read at once on a 2-core machine.
const Readers = 4

// OpenReader opens a pool of conns read-only connections to the database at
// path, which Open created (and so put in WAL mode). In WAL mode a reader
// sees the last commit and does not wait for the writer's transaction: a
// status poll or a /metrics scrape does not queue behind a consumer's batch,
// as it would on the writer's single connection. query_only makes a write
// through this pool an error instead of a second writer.
func OpenReader(ctx context.Context, path string, conns int) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	db, err := openCached(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	return db, nil
}

// InTx runs fn in a transaction and commits it, or rolls back if fn fails.
// fn must use only tx: the writer has one connection, so touching db inside
// fn would wait for itself. On PostgreSQL (platform/database) transactions
// are SERIALIZABLE, and one that fails to serialize with another (SQLSTATE
// 40001, or a deadlock, 40P01) is run again, fn included: fn must change
// nothing outside tx but what a second run overwrites. SQLite never fails so.
func InTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := inTx(ctx, db, fn)
		if err == nil || attempt == serialAttempts || !serializationFailure(err) {
			return err
		}
		if c, ok := db.Driver().(rerunCounter); ok {
			c.Rerun(operation())
		}
		// A random pause up to a millisecond per attempt spreads the
		// transactions that collided, so they do not collide again.
		if !retry.Sleep(ctx, rand.N(time.Duration(attempt)*time.Millisecond)) {
			return err
		}
	}
}

// serialAttempts bounds the runs of one transaction that keeps failing to
// serialize (a hot row that many writers update at once).
const serialAttempts = 30

// rerunCounter is the driver of a PostgreSQL pool (platform/database's
// pgDriver), which counts the reruns (db_serialization_retries_total).
type rerunCounter interface{ Rerun(op string) }

// operation names the function that ran the transaction: the first caller
// outside this package (Pair.InTx included), as package.Function.
func operation() string {
	pcs := make([]uintptr, 8)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, thisPackage+".") {
			return f.Function[strings.LastIndex(f.Function, "/")+1:]
		}
		if !more {
			return "unknown"
		}
	}
}

const thisPackage = "github.com/orderflow/platform/sqlitedb"

// serializationFailure tells PostgreSQL's "run it again" errors, by the
// SQLSTATE pgx's errors carry (no import of the driver here).
func serializationFailure(err error) bool {
	var coded interface{ SQLState() string }
	if !errors.As(err, &coded) {
		return false
	}
	return coded.SQLState() == "40001" || coded.SQLState() == "40P01"
}

func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Pair is a service's database: the writer (one connection, so every
// transaction goes through it in order) and a pool of read-only connections
// for the reads outside a transaction, which WAL lets run beside the writer.
type Pair struct {
	DB   *sql.DB
	Read *sql.DB
	// Schema is each schema's migration history, read once after the
	// migrations ran: only this process migrates, so it cannot change while
	// it runs (/readyz shows it).
	Schema []SchemaVersion
}

// OpenPair opens path's writer (migrating the schemas) and its read pool.
func OpenPair(ctx context.Context, path string, schemas ...Schema) (Pair, error) {
	db, err := Open(ctx, path, schemas...)
	if err != nil {
		return Pair{}, err
	}
	read, err := OpenReader(ctx, path, Readers)
	if err != nil {
		db.Close()
		return Pair{}, err
	}
	versions, err := Versions(ctx, read, schemas...)
	if err != nil {
		read.Close()
		db.Close()
		return Pair{}, fmt.Errorf("read the migration history of %s: %w", path, err)
	}
	return Pair{DB: db, Read: read, Schema: versions}, nil
}

// Close closes both.
func (p Pair) Close() error { return errors.Join(p.Read.Close(), p.DB.Close()) }

// InTx runs fn in one transaction on the writer.
func (p Pair) InTx(ctx context.Context, fn func(*sql.Tx) error) error { return InTx(ctx, p.DB, fn) }
