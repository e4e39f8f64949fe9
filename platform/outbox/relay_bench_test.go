package outbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/outbox"
	"github.com/orderflow/platform/sqlitedb"
)

// benchDiscard is a Publisher that accepts everything at once: what is left
// of Flush is SQLite (select, scan, mark published) and the trace-context
// decoding, not Kafka.
type benchDiscard struct{ msgs int }

func (p *benchDiscard) Publish(_ context.Context, msgs ...kafkabus.Message) error {
	p.msgs += len(msgs)
	return nil
}

func benchOpenDB(b *testing.B) *sql.DB {
	b.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(b.TempDir(), "outbox.db"), outbox.Schema)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchCtx carries a sampled span context, so every row stores a traceparent
// as the services' rows do.
func benchCtx(b *testing.B) context.Context {
	b.Helper()
	tid, err := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	if err != nil {
		b.Fatal(err)
	}
	sid, err := trace.SpanIDFromHex("00f067aa0ba902b7")
	if err != nil {
		b.Fatal(err)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	return trace.ContextWithSpanContext(context.Background(), sc)
}

// benchEnvelope is an OrderPlaced envelope for order n, as order-svc writes it.
func benchEnvelope(b *testing.B, n int) events.Envelope {
	b.Helper()
	orderID := fmt.Sprintf("%08d-0000-4000-8000-000000000000", n)
	at := time.Date(2025, 11, 3, 9, 30, 15, 0, time.UTC)
	env, err := events.New(orderID, at, events.OrderPlaced{
		OrderID: orderID, CustomerID: "load-042", Items: []events.Line{{SKU: "SKU-001", Qty: 2}, {SKU: "SKU-003", Qty: 1}}, PlacedAt: at,
	})
	if err != nil {
		b.Fatal(err)
	}
	return env
}

// benchFill writes published rows of history (as the relay leaves them: they
// stay until Prune, 24 h by default) followed by pending rows, all with the
// payload and trace context of a real OrderPlaced row.
func benchFill(b *testing.B, db *sql.DB, published, pending int) {
	b.Helper()
	ctx := benchCtx(b)
	prop := propagation.TraceContext{}
	err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
		if err := outbox.Add(ctx, tx, prop, events.TopicOrders, benchEnvelope(b, 0)); err != nil {
			return err
		}
		// The rest of the history in one statement: copies of the first row.
		if published > 1 {
			if _, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i+1 FROM n WHERE i < ?)
				INSERT INTO outbox(event_id, event_type, topic, msg_key, payload, trace_ctx)
				SELECT printf('history-%d', i), event_type, topic, msg_key, payload, trace_ctx FROM n, outbox WHERE outbox.seq = 1`, published); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET published_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`); err != nil {
			return err
		}
		if published == 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM outbox`); err != nil {
				return err
			}
		}
		for i := range pending {
			if err := outbox.Add(ctx, tx, prop, events.TopicOrders, benchEnvelope(b, published+i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var total, pend int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(published_at) FROM outbox`).Scan(&total, &pend); err != nil {
		b.Fatal(err)
	}
	if total != published+pending || pend != pending {
		b.Fatalf("outbox holds %d rows, %d pending; want %d, %d", total, pend, published+pending, pending)
	}
}

// BenchmarkRelayFlush measures one Relay.Flush of a full batch into a
// publisher that costs nothing, so what is left is SQLite (select, scan, mark
// published) and the trace-context decoding. batch=100 is the relay's default
// (a backlog after a broker outage or under load); batch=1 is its steady state
// when each commit wakes it for a single row. published is how many already
// published rows the table still holds: neither query has an index on
// published_at, so both walk those rows by seq on every flush. Between
// operations (untimed) the flushed rows are made pending again, so every op
// sees the same table.
func BenchmarkRelayFlush(b *testing.B) {
	for _, batch := range []int{1, 100} {
		for _, published := range []int{0, 1000, 10000} {
			b.Run(fmt.Sprintf("batch=%d/published=%d", batch, published), func(b *testing.B) {
				ctx := context.Background()
				db := benchOpenDB(b)
				benchFill(b, db, published, batch)
				pub := &benchDiscard{}
				r := outbox.NewRelay(db, pub, propagation.TraceContext{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
				r.BatchSize = batch
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					n, err := r.Flush(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if n != batch {
						b.Fatalf("flushed %d rows, want %d", n, batch)
					}
					b.StopTimer()
					if _, err := db.ExecContext(ctx, `UPDATE outbox SET published_at = NULL WHERE seq > ?`, published); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkAdd measures outbox.Add. in-open-tx is the insert alone (many
// rows in one transaction); tx-per-event adds begin and commit around each
// row, the cost a service pays per event it emits (WAL, synchronous=NORMAL:
// no fsync per commit).
func BenchmarkAdd(b *testing.B) {
	prop := propagation.TraceContext{}
	b.Run("in-open-tx", func(b *testing.B) {
		ctx := benchCtx(b)
		db := benchOpenDB(b)
		envs := make([]events.Envelope, b.N)
		for i := range envs {
			envs[i] = benchEnvelope(b, i)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer tx.Rollback()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := outbox.Add(ctx, tx, prop, events.TopicOrders, envs[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("tx-per-event", func(b *testing.B) {
		ctx := benchCtx(b)
		db := benchOpenDB(b)
		envs := make([]events.Envelope, b.N)
		for i := range envs {
			envs[i] = benchEnvelope(b, i)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			err := sqlitedb.InTx(ctx, db, func(tx *sql.Tx) error {
				return outbox.Add(ctx, tx, prop, events.TopicOrders, envs[i])
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
