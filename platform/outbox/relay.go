package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/orderflow/platform/database"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/retry"
)

// Publisher is what the relay needs from Kafka.
type Publisher interface {
	Publish(ctx context.Context, msgs ...kafkabus.Message) error
}

// Relay publishes outbox rows in order. It is woken in-process right after a
// commit that wrote rows (Notify), so a hop costs no poll period; the poll is
// only the fallback that picks up rows left by a crash or a broker outage.
type Relay struct {
	DB *sql.DB
	// Read, when set, is a read pool of the same database (WAL): the relay
	// looks for pending rows there, so it does not queue behind the
	// writer's transactions just to find out what to publish.
	Read       *sql.DB
	Publisher  Publisher
	Propagator propagation.TextMapPropagator
	Logger     *slog.Logger
	// PollInterval is the fallback poll period (default 1 s).
	PollInterval time.Duration
	// BatchSize is how many rows one publish carries (default 100).
	BatchSize int
	// Retention is how long published rows stay before they are pruned (default 24 h).
	Retention time.Duration
	// PublishTimeout bounds one batch's publish (default DefaultPublishTimeout):
	// a broker that stops answering fails the attempt, the rows stay pending,
	// and on PostgreSQL the outbox is free for another replica's relay.
	PublishTimeout time.Duration

	wake      chan struct{}
	Published atomic.Int64
	Failures  atomic.Int64
}

// DefaultPublishTimeout is a Relay's PublishTimeout when none is set: above
// kafka-go's own write timeout, so a slow broker still gets its answer in.
const DefaultPublishTimeout = 15 * time.Second

// publishBackoff spaces the relay's attempts while the broker is away: capped
// at a second, so a broker that comes back is noticed within one.
var publishBackoff = retry.Backoff{First: 200 * time.Millisecond, Max: time.Second}

// NewRelay returns a relay ready to Run.
func NewRelay(db *sql.DB, pub Publisher, prop propagation.TextMapPropagator, logger *slog.Logger) *Relay {
	return &Relay{DB: db, Publisher: pub, Propagator: prop, Logger: logger, PollInterval: time.Second, BatchSize: 100, Retention: 24 * time.Hour, wake: make(chan struct{}, 1)}
}

// Notify wakes the relay; it never blocks.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run publishes until ctx is cancelled.
func (r *Relay) Run(ctx context.Context) error {
	ticker := time.NewTicker(r.PollInterval)
	defer ticker.Stop()
	failures := 0
	lastPrune := time.Time{}
	for {
		if time.Since(lastPrune) > time.Minute {
			lastPrune = time.Now()
			if n, err := Prune(ctx, r.DB, lastPrune.Add(-r.Retention)); err != nil {
				r.Logger.WarnContext(ctx, "outbox prune failed", "err", err)
			} else if n > 0 {
				r.Logger.InfoContext(ctx, "outbox pruned", "rows", n, "older_than", r.Retention.String())
			}
		}
		n, err := r.Flush(ctx)
		if ctx.Err() != nil {
			return nil
		}
		wait := time.Duration(0)
		switch {
		case errors.Is(err, ErrBusy):
			wait = busyRetry // another replica publishes: not a failure
		case err != nil:
			failures++
			r.Failures.Add(1)
			wait = publishBackoff.Delay(failures)
			r.Logger.WarnContext(ctx, "outbox publish failed; rows stay pending and are retried", "retry_in", wait.String(), "err", err)
		case n > 0:
			failures = 0
			continue // there may be more
		default:
			failures = 0
		}
		if wait > 0 {
			if !retry.Sleep(ctx, wait) {
				return nil
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
		case <-ticker.C:
		}
	}
}

type row struct {
	seq                            int64
	eventID, eventType, topic, key string
	payload                        []byte
	traceCtx                       string
}

// Flush publishes one batch of pending rows and marks them published. A
// crash between the publish and the mark republishes them: consumers dedupe by
// event id, so at-least-once is safe. On PostgreSQL the outbox is shared by
// the service's replicas and flushShared takes its turn first.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	if database.DialectOf(r.DB) == database.Postgres {
		return r.flushShared(ctx)
	}
	read := r.Read
	if read == nil {
		read = r.DB
	}
	batch, err := readPending(ctx, read, r.BatchSize)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	if err := r.publish(ctx, batch); err != nil {
		return 0, err
	}
	last := batch[len(batch)-1].seq
	if _, err := r.DB.ExecContext(ctx, `UPDATE outbox SET published_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE published_at IS NULL AND seq <= ?`, last); err != nil {
		return 0, fmt.Errorf("outbox mark published: %w", err)
	}
	r.Published.Add(int64(len(batch)))
	return len(batch), nil
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readPending reads up to limit unpublished rows in seq order.
func readPending(ctx context.Context, q querier, limit int) ([]row, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, event_id, event_type, topic, msg_key, payload, trace_ctx FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox read: %w", err)
	}
	var batch []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.seq, &x.eventID, &x.eventType, &x.topic, &x.key, &x.payload, &x.traceCtx); err != nil {
			rows.Close()
			return nil, fmt.Errorf("outbox scan: %w", err)
		}
		batch = append(batch, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox read: %w", err)
	}
	return batch, nil
}

func (r *Relay) publishTimeout() time.Duration {
	if r.PublishTimeout > 0 {
		return r.PublishTimeout
	}
	return DefaultPublishTimeout
}

// publish sends batch to Kafka within PublishTimeout, each message
// continuing its row's trace.
func (r *Relay) publish(ctx context.Context, batch []row) error {
	ctx, cancel := context.WithTimeout(ctx, r.publishTimeout())
	defer cancel()
	msgs := make([]kafkabus.Message, len(batch))
	for i, x := range batch {
		mctx := ctx
		if carrier, err := decodeCarrier(x.traceCtx); err == nil && r.Propagator != nil {
			mctx = r.Propagator.Extract(ctx, carrier)
		}
		msgs[i] = kafkabus.Message{Ctx: mctx, Topic: x.topic, Key: x.key, EventID: x.eventID, EventType: x.eventType, Value: x.payload}
	}
	if err := r.Publisher.Publish(ctx, msgs...); err != nil {
		return fmt.Errorf("publish %d outbox rows (timeout %s): %w", len(batch), r.publishTimeout(), err)
	}
	return nil
}

func encodeCarrier(c propagation.MapCarrier) (string, error) {
	b, err := json.Marshal(map[string]string(c))
	if err != nil {
		return "", fmt.Errorf("encode trace context: %w", err)
	}
	return string(b), nil
}

func decodeCarrier(s string) (propagation.MapCarrier, error) {
	m := map[string]string{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return propagation.MapCarrier(m), nil
}
