package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// rebindConnector is pgx's connector whose connections take the stores'
// "?" placeholders (rebind). pgx caches each SQL text's prepared statement
// per connection itself, as sqlitedb's statement cache does for SQLite.
// reruns is the pool's count of transactions InTx ran again (Reruns).
type rebindConnector struct {
	base   driver.Connector
	reruns *Reruns
}

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := conn.(pgConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("pgx connection %T lacks the methods database/sql needs", conn)
	}
	return rebindConn{pc}, nil
}

func (c rebindConnector) Driver() driver.Driver {
	return pgDriver{Driver: c.base.Driver(), reruns: c.reruns}
}

// pgConn is what database/sql uses of a pgx stdlib connection.
type pgConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.NamedValueChecker
}

type rebindConn struct{ pgConn }

// BeginTx makes a transaction that asks for no isolation level SERIALIZABLE.
// SQLite runs a service's transactions one at a time (one writer), and the
// stores reason that way: "no invoice yet, so record the cancellation" must
// not interleave with "no cancellation yet, so issue the invoice". On
// PostgreSQL, with a pool and replicas, SERIALIZABLE keeps that reasoning
// true; sqlitedb.InTx runs a transaction that failed to serialize again.
func (c rebindConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.Isolation == driver.IsolationLevel(sql.LevelDefault) {
		opts.Isolation = driver.IsolationLevel(sql.LevelSerializable)
	}
	return c.pgConn.BeginTx(ctx, opts)
}

func (c rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.pgConn.Prepare(rebind(query))
}

func (c rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.pgConn.PrepareContext(ctx, rebind(query))
}

func (c rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.pgConn.ExecContext(ctx, rebind(query), args)
}

func (c rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.pgConn.QueryContext(ctx, rebind(query), args)
}
