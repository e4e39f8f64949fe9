package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
)

// stuckPublisher is a broker that takes a batch and never answers: Publish
// says it started, then returns only when its context ends.
type stuckPublisher struct{ started chan struct{} }

func (s stuckPublisher) Publish(ctx context.Context, _ ...kafkabus.Message) error {
	close(s.started)
	<-ctx.Done()
	return ctx.Err()
}

// A replica whose broker hangs mid-publish holds the outbox only until its
// PublishTimeout: meanwhile the other replica's relay does not wait for the
// lock (ErrBusy), and afterwards it publishes every row, once.
func TestStuckPublishFreesTheOutbox(t *testing.T) {
	target := dbtest.Target(t, database.Postgres)
	stuckDB, otherDB := dbtest.OpenPair(t, target, outbox.Schema).DB, dbtest.OpenPair(t, target, outbox.Schema).DB
	writeRows(t, stuckDB, "key-1", 3)
	ctx := context.Background()

	stuck := outbox.NewRelay(stuckDB, stuckPublisher{started: make(chan struct{})}, prop, slog.New(slog.DiscardHandler))
	stuck.PublishTimeout = 200 * time.Millisecond
	done := make(chan error, 1)
	go func() {
		_, err := stuck.Flush(ctx)
		done <- err
	}()
	<-stuck.Publisher.(stuckPublisher).started

	pub := &fakePublisher{}
	other := outbox.NewRelay(otherDB, pub, prop, slog.New(slog.DiscardHandler))
	if n, err := other.Flush(ctx); !errors.Is(err, outbox.ErrBusy) {
		t.Fatalf("Flush while the other relay publishes = %d, %v; want ErrBusy, not a wait", n, err)
	}
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stuck publish = %v, want its PublishTimeout's deadline", err)
	}
	n, err := other.Flush(ctx)
	if err != nil || n != 3 || len(pub.published()) != 3 {
		t.Fatalf("Flush after the stuck publish gave up = %d, %v (%d published); want the 3 rows", n, err, len(pub.published()))
	}
	if left, err := outbox.Pending(ctx, otherDB); err != nil || left != 0 {
		t.Fatalf("pending = %d, %v; want 0", left, err)
	}
}
