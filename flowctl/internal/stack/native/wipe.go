package native

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// What `flowctl reset` asks of a runtime beyond stop and start: forget a
// stopped service's database, and start it on a new one.

// WipeService removes svc's database files (the service must be stopped:
// SQLite's -wal and -shm go with it, or the next start would replay them);
// on PostgreSQL it drops svc's schema in the stack's database.
func (r *Runtime) WipeService(ctx context.Context, m stackmode.Mode, svc string) error {
	if u := r.databaseURL(m); u != "" {
		// platform/database.SchemaName's rule for the services' names
		// (order-svc: order_svc), not imported: it would pull SQLite and
		// goose into flowctl.
		schema := pgx.Identifier{strings.ReplaceAll(svc, "-", "_")}.Sanitize()
		if err := pgExec(ctx, u, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop %s's schema (%s): %w", svc, m, err)
		}
		return nil
	}
	db := r.l.DB(m, svc)
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	return nil
}

// StartFresh starts svc again (natively, the same as StartService).
func (r *Runtime) StartFresh(ctx context.Context, m stackmode.Mode, svc string) error {
	return r.StartService(ctx, m, svc)
}

// WipeStoppedBroker removes the embedded broker's log (it must be stopped):
// the native runtime's Kafka serves only the events stack. A broker named by
// KAFKA_BROKERS is not flowctl's to wipe.
func (r *Runtime) WipeStoppedBroker(context.Context) (bool, error) {
	if r.s.ExternalBrokers != "" {
		return false, stack.ErrNotOurs
	}
	if _, running := stack.RunningFromPIDFile(r.l.BrokerPID()); running {
		return false, errors.New("the embedded broker is running")
	}
	dir := r.l.KafkaData()
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return true, os.RemoveAll(dir)
}
