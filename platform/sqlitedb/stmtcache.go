package sqlitedb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// stmtCacheSize bounds the statements one connection keeps prepared. The
// services run a few dozen distinct SQL texts with parameters; text built at
// run time beyond the bound runs unprepared, as every statement did before.
const stmtCacheSize = 128

// openCached is sql.Open("sqlite", dsn) whose connections keep each SQL text
// with parameters prepared after its first use and reuse it, instead of
// sqlite3_prepare on every ExecContext/QueryContext (the driver, modernc.org/sqlite,
// has no statement cache of its own and database/sql prepares per call). The
// callers keep writing tx.ExecContext(ctx, "…", args...): the cache is per
// connection, the granularity SQLite statements have, and is finalised when
// the connection closes.
func openCached(dsn string) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{base: base}), nil
}

type cachingConnector struct{ base driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("sqlite driver connection %T lacks the context methods the statement cache needs", conn)
	}
	return &cachingConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.base.Driver() }

// sqliteConn is what database/sql uses of a modernc.org/sqlite connection;
// cachingConn passes all of it through but ExecContext, QueryContext and Close.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type ctxStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cachedStmt is a prepared statement of one connection. inUse is set while
// it runs or while its rows are open: the same text run again then (a query
// inside the loop over its own rows) gets a statement of its own.
// database/sql uses a connection from one goroutine at a time, so the cache
// needs no lock.
type cachedStmt struct {
	stmt  ctxStmt
	inUse bool
}

type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

// take returns query's statement marked in use, preparing it on first use,
// or nil when query is to run unprepared: without parameters (migration
// scripts, PRAGMAs, one-off reads), in use, or the cache full.
func (c *cachingConn) take(ctx context.Context, query string, args []driver.NamedValue) (*cachedStmt, error) {
	if len(args) == 0 {
		return nil, nil
	}
	if s, ok := c.stmts[query]; ok {
		if s.inUse {
			return nil, nil
		}
		s.inUse = true
		return s, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		return nil, nil
	}
	ds, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs, ok := ds.(ctxStmt)
	if !ok {
		return nil, ds.Close()
	}
	s := &cachedStmt{stmt: cs, inUse: true}
	c.stmts[query] = s
	return s, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.take(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	defer func() { s.inUse = false }()
	return s.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.take(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		s.inUse = false
		return nil, err
	}
	if typed, ok := rows.(sqliteRows); ok {
		return &releasingRows{sqliteRows: typed, stmt: s}, nil
	}
	return &releasingPlainRows{Rows: rows, stmt: s}, nil
}

// Close finalises the connection's statements, then closes it.
func (c *cachingConn) Close() error {
	var errs []error
	for query, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
		delete(c.stmts, query)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// sqliteRows is the driver's rows with the column-type methods
// (*sql.Rows).ColumnTypes reads, passed through by releasingRows.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// releasingRows gives its statement back to the cache when closed (the
// driver resets it then, keeping it prepared).
type releasingRows struct {
	sqliteRows
	stmt *cachedStmt
}

func (r *releasingRows) Close() error {
	err := r.sqliteRows.Close()
	r.stmt.inUse = false
	return err
}

// releasingPlainRows is releasingRows for rows without column types.
type releasingPlainRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *releasingPlainRows) Close() error {
	err := r.Rows.Close()
	r.stmt.inUse = false
	return err
}
