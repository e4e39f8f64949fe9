package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/database/dbtest"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
)

// fakePublisher records what it published; while fail is set it refuses.
type fakePublisher struct {
	mu    sync.Mutex
	fail  error
	calls int
	msgs  []kafkabus.Message
}

func (f *fakePublisher) Publish(_ context.Context, msgs ...kafkabus.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	f.msgs = append(f.msgs, msgs...)
	return nil
}

func (f *fakePublisher) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

func (f *fakePublisher) published() []kafkabus.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.msgs)
}

func eventIDs(msgs []kafkabus.Message) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.EventID
	}
	return ids
}

var prop = propagation.TraceContext{}

// openDB is a fresh outbox on d (platform/database/dbtest).
func openDB(t *testing.T, d database.Dialect) *sql.DB {
	t.Helper()
	return dbtest.Open(t, d, outbox.Schema).DB
}

func spanContext(t *testing.T, traceHex, spanHex string) trace.SpanContext {
	t.Helper()
	tid, err := trace.TraceIDFromHex(traceHex)
	if err != nil {
		t.Fatal(err)
	}
	sid, err := trace.SpanIDFromHex(spanHex)
	if err != nil {
		t.Fatal(err)
	}
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
}

// add writes one OrderPlaced row for orderID with sc as the trace context.
func add(t *testing.T, db *sql.DB, orderID string, sc trace.SpanContext) events.Envelope {
	t.Helper()
	env, err := events.New(orderID, time.Now(), events.OrderPlaced{OrderID: orderID, CustomerID: "c1", Items: []events.Line{{SKU: "SKU-001", Qty: 1}}, PlacedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	if err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error { return outbox.Add(ctx, tx, prop, events.TopicOrders, env) }); err != nil {
		t.Fatalf("outbox.Add: %v", err)
	}
	return env
}

func pending(t *testing.T, db *sql.DB) int {
	t.Helper()
	n, err := outbox.Pending(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newRelay(db *sql.DB, pub outbox.Publisher) *outbox.Relay {
	r := outbox.NewRelay(db, pub, prop, slog.New(slog.DiscardHandler))
	r.PollInterval = time.Hour // only a Notify (or the first pass) can make it publish
	return r
}

func TestFlushPublishesInOrderWithTraceContext(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		scs := []trace.SpanContext{
			spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"),
			spanContext(t, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"),
			spanContext(t, "11111111111111111111111111111111", "2222222222222222"),
		}
		orderIDs := []string{"c0000000-0000-4000-8000-000000000003", "a0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002"}
		var envs []events.Envelope
		for i := range orderIDs {
			envs = append(envs, add(t, db, orderIDs[i], scs[i]))
		}
		if got := pending(t, db); got != 3 {
			t.Fatalf("pending before flush = %d, want 3", got)
		}

		pub := &fakePublisher{}
		r := newRelay(db, pub)
		n, err := r.Flush(context.Background())
		if err != nil || n != 3 {
			t.Fatalf("Flush = %d, %v; want 3, nil", n, err)
		}
		msgs := pub.published()
		if len(msgs) != 3 {
			t.Fatalf("published %d messages, want 3", len(msgs))
		}
		for i, m := range msgs {
			env := envs[i]
			if m.EventID != env.ID || m.EventType != events.TypeOrderPlaced || m.Topic != events.TopicOrders || m.Key != orderIDs[i] {
				t.Errorf("message %d = {id %s type %s topic %s key %s}, want {id %s type %s topic %s key %s} (insertion order)",
					i, m.EventID, m.EventType, m.Topic, m.Key, env.ID, env.Type, events.TopicOrders, orderIDs[i])
			}
			want, _ := env.Encode()
			if string(m.Value) != string(want) {
				t.Errorf("message %d value = %s, want %s", i, m.Value, want)
			}
			if m.Ctx == nil {
				t.Fatalf("message %d has no context", i)
			}
			got := trace.SpanContextFromContext(m.Ctx)
			if got.TraceID() != scs[i].TraceID() || got.SpanID() != scs[i].SpanID() || !got.IsSampled() || !got.IsRemote() {
				t.Errorf("message %d trace context = %s/%s sampled=%v remote=%v, want %s/%s restored from the row",
					i, got.TraceID(), got.SpanID(), got.IsSampled(), got.IsRemote(), scs[i].TraceID(), scs[i].SpanID())
			}
		}
		if got := pending(t, db); got != 0 {
			t.Fatalf("pending after flush = %d, want 0", got)
		}
		var unmarked int
		if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE published_at IS NULL OR published_at = ''`).Scan(&unmarked); err != nil || unmarked != 0 {
			t.Fatalf("rows without published_at = %d (%v), want 0", unmarked, err)
		}
		if r.Published.Load() != 3 {
			t.Errorf("Published counter = %d, want 3", r.Published.Load())
		}

		// Nothing is sent twice.
		n, err = r.Flush(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Flush = %d, %v; want 0, nil", n, err)
		}
		if got := len(pub.published()); got != 3 {
			t.Fatalf("after the second flush %d messages were published, want still 3", got)
		}
	})
}

func TestFlushBatchSize(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		sc := spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
		var want []string
		for _, id := range []string{"a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003"} {
			want = append(want, add(t, db, id, sc).ID)
		}
		pub := &fakePublisher{}
		r := newRelay(db, pub)
		r.BatchSize = 2
		if n, err := r.Flush(context.Background()); err != nil || n != 2 {
			t.Fatalf("first Flush = %d, %v; want 2", n, err)
		}
		if n, err := r.Flush(context.Background()); err != nil || n != 1 {
			t.Fatalf("second Flush = %d, %v; want 1", n, err)
		}
		if got := eventIDs(pub.published()); !slices.Equal(got, want) {
			t.Fatalf("published %v, want %v", got, want)
		}
	})
}

func TestFailingPublisherLeavesRowsPending(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d database.Dialect) {
		db := openDB(t, d)
		sc := spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
		want := []string{
			add(t, db, "a0000000-0000-4000-8000-000000000001", sc).ID,
			add(t, db, "a0000000-0000-4000-8000-000000000002", sc).ID,
		}
		down := errors.New("broker down")
		pub := &fakePublisher{fail: down}
		r := newRelay(db, pub)

		for range 2 {
			n, err := r.Flush(context.Background())
			if !errors.Is(err, down) || n != 0 {
				t.Fatalf("Flush with the broker down = %d, %v; want 0, %v", n, err, down)
			}
			if got := pending(t, db); got != 2 {
				t.Fatalf("pending after a failed flush = %d, want 2", got)
			}
		}
		if pub.calls != 2 || len(pub.published()) != 0 {
			t.Fatalf("publisher saw %d calls and kept %d messages, want 2 calls and none kept", pub.calls, len(pub.published()))
		}

		pub.setFail(nil) // the broker is back
		n, err := r.Flush(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("Flush after recovery = %d, %v; want 2, nil", n, err)
		}
		if got := eventIDs(pub.published()); !slices.Equal(got, want) {
			t.Fatalf("published %v, want %v", got, want)
		}
		if got := pending(t, db); got != 0 {
			t.Fatalf("pending after recovery = %d, want 0", got)
		}
		if n, _ := r.Flush(context.Background()); n != 0 || len(pub.published()) != 2 {
			t.Fatalf("a flush after recovery republished rows: n=%d total=%d", n, len(pub.published()))
		}
	})
}

// TestNotifyWakesRunningRelay runs the relay in a synctest bubble: Wait returns
// only once the relay is idle in its select, so the row written afterwards can
// only be published by the Notify. The clock of the bubble does not move while
// the test goroutine is busy, so the hourly poll cannot have fired either.
func TestNotifyWakesRunningRelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"), outbox.Schema)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		pub := &fakePublisher{}
		r := newRelay(db, pub)
		start := time.Now()

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()

		synctest.Wait() // the relay flushed the empty outbox and waits
		if pub.calls != 0 {
			t.Fatalf("publisher called %d times with an empty outbox", pub.calls)
		}

		sc := spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")
		first := add(t, db, "a0000000-0000-4000-8000-000000000001", sc)
		synctest.Wait()
		if got := len(pub.published()); got != 0 {
			t.Fatalf("the relay published %d rows without a Notify or a poll", got)
		}

		r.Notify()
		synctest.Wait()
		if got := eventIDs(pub.published()); !slices.Equal(got, []string{first.ID}) {
			t.Fatalf("after Notify the relay published %v, want [%s]", got, first.ID)
		}
		if elapsed := time.Since(start); elapsed != 0 {
			t.Fatalf("fake clock moved %v: the poll, not the Notify, may have published", elapsed)
		}

		// A second wake-up publishes only the new row.
		second := add(t, db, "a0000000-0000-4000-8000-000000000002", sc)
		r.Notify()
		r.Notify() // never blocks, even with a wake-up pending
		synctest.Wait()
		if got := eventIDs(pub.published()); !slices.Equal(got, []string{first.ID, second.ID}) {
			t.Fatalf("after the second Notify the relay published %v", got)
		}

		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run returned %v after cancel, want nil", err)
		}
	})
}

// TestRunFallsBackToPolling: a row written without a Notify (say, by a process
// that crashed before it could wake the relay) is published by the poll.
func TestRunFallsBackToPolling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"), outbox.Schema)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		pub := &fakePublisher{}
		r := newRelay(db, pub)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		synctest.Wait()

		row := add(t, db, "a0000000-0000-4000-8000-000000000001", spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
		start := time.Now()
		time.Sleep(r.PollInterval) // fake time: returns as soon as the bubble is idle
		synctest.Wait()
		if got := eventIDs(pub.published()); !slices.Equal(got, []string{row.ID}) {
			t.Fatalf("after one poll interval (%v) the relay published %v, want [%s]", time.Since(start), got, row.ID)
		}
		cancel()
		<-done
	})
}

// TestRunRetriesAfterFailure: the relay keeps rows pending while the broker is
// down and publishes them by itself once it is back.
func TestRunRetriesAfterFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"), outbox.Schema)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		row := add(t, db, "a0000000-0000-4000-8000-000000000001", spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
		pub := &fakePublisher{fail: errors.New("broker down")}
		r := newRelay(db, pub)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		synctest.Wait()
		if r.Failures.Load() != 1 || pending(t, db) != 1 {
			t.Fatalf("after the first failed attempt: failures=%d pending=%d, want 1 and 1", r.Failures.Load(), pending(t, db))
		}
		pub.setFail(nil)
		time.Sleep(3 * time.Second) // longer than the largest back-off
		synctest.Wait()
		if got := eventIDs(pub.published()); !slices.Equal(got, []string{row.ID}) {
			t.Fatalf("after the broker recovered the relay published %v, want [%s]", got, row.ID)
		}
		if pending(t, db) != 0 {
			t.Fatalf("rows still pending after recovery")
		}
		cancel()
		<-done
	})
}

// TestRunBackoffIsCapped: during a long outage the relay keeps trying about
// once a second (200 ms doubling, capped at 1 s), so the backlog starts to
// move within a second of the broker's return.
func TestRunBackoffIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"), outbox.Schema)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		add(t, db, "a0000000-0000-4000-8000-000000000002", spanContext(t, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"))
		pub := &fakePublisher{fail: errors.New("broker down")}
		r := newRelay(db, pub)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		// Attempts at 0, 0.2, 0.6, 1.4 s, then every second up to 9.4 s: 12.
		// A 3 s cap would make it 7.
		if got := r.Failures.Load(); got < 11 || got > 13 {
			t.Errorf("failed attempts in 10 s of outage = %d, want about 12", got)
		}
		cancel()
		<-done
	})
}
