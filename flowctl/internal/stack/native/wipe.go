package native

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// What `flowctl reset` asks of a runtime beyond stop and start: forget a
// stopped service's database, and start it on a new one.

// WipeService removes svc's database files (the service must be stopped:
// SQLite's -wal and -shm go with it, or the next start would replay them).
func (r *Runtime) WipeService(_ context.Context, m stackmode.Mode, svc string) error {
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
