package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// outboxLock tries the transaction-scoped advisory lock a relay holds while
// it reads, publishes and marks a batch of its schema's outbox (hashed with
// the schema's name, so services sharing a database do not wait for each
// other). Transaction-scoped: the lock goes with the transaction, however it
// ends (commit, rollback, a dropped connection), never with a session that
// outlives it in the pool.
const outboxLock = `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox'))`

// ErrBusy is Flush's answer on PostgreSQL when another replica's relay holds
// the outbox: nothing was read or published; Run tries again after busyRetry.
var ErrBusy = errors.New("another relay is publishing this outbox")

// busyRetry is how soon Run tries again after ErrBusy: the holder publishes
// what is pending, ours included, unless ours committed after its last
// read; then this retry sends it.
const busyRetry = 50 * time.Millisecond

// flushShared is Flush on PostgreSQL, where every replica of the service runs
// a relay on one outbox. One relay publishes at a time (one relay per
// partition of work, the partition being the service's outbox): it holds the
// lock from reading the batch until the rows are marked, in one transaction,
// so no row is published by two relays, and batches go out in seq order.
// Claiming rows with FOR UPDATE SKIP LOCKED instead would let a second relay
// publish the rows after a batch still in flight, and a key's events (one
// order's) could reach Kafka out of order; one publisher per outbox is also
// what SQLite's single writer gives.
//
// A relay that finds the lock taken does not wait for it (ErrBusy), and the
// holder's publish is bounded twice: by PublishTimeout (a broker that takes
// the batch and never answers), and by the server ending the session once
// the transaction has idled for longer than that (a process frozen or cut
// off mid-publish), so a stuck replica cannot keep the outbox from the others.
//
// The rows are marked by seq, not "seq <= last": in PostgreSQL a transaction
// holding a lower seq may commit after this one read, and must stay pending.
func (r *Relay) flushShared(ctx context.Context) (int, error) {
	// READ COMMITTED: the lock already orders the relays, and a batch
	// published must not fail to commit for a writer's insert beside it.
	tx, err := r.DB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return 0, fmt.Errorf("outbox begin: %w", err)
	}
	defer tx.Rollback()
	if err := r.takeTurn(ctx, tx); err != nil {
		return 0, err
	}
	batch, err := readPending(ctx, tx, r.BatchSize)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	if err := r.publish(ctx, batch); err != nil {
		return 0, err
	}
	if err := markPublished(ctx, tx, batch); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("outbox commit: %w", err)
	}
	r.Published.Add(int64(len(batch)))
	return len(batch), nil
}

// takeTurn tries the outbox's lock in tx (ErrBusy when another relay holds
// it) and bounds how long tx may idle while the batch is published.
func (r *Relay) takeTurn(ctx context.Context, tx *sql.Tx) error {
	var mine bool
	if err := tx.QueryRowContext(ctx, outboxLock).Scan(&mine); err != nil {
		return fmt.Errorf("outbox lock: %w", err)
	}
	if !mine {
		return ErrBusy
	}
	idle := r.publishTimeout() + time.Second
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL idle_in_transaction_session_timeout = %d`, idle.Milliseconds())); err != nil {
		return fmt.Errorf("outbox idle timeout: %w", err)
	}
	return nil
}

func markPublished(ctx context.Context, tx *sql.Tx, batch []row) error {
	seqs := make([]int64, len(batch))
	for i, x := range batch {
		seqs[i] = x.seq
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET published_at = ? WHERE seq = ANY(?) AND published_at IS NULL`, now, seqs)
	if err != nil {
		return fmt.Errorf("outbox mark published: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(batch)) {
		return fmt.Errorf("outbox mark published: %d of %d rows marked (%v)", n, len(batch), err)
	}
	return nil
}
