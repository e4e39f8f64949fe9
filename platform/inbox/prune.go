package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// DefaultRetention is how long an event id is remembered: a day longer than
// Kafka's default topic retention (log.retention.hours=168), so every event
// the broker can still deliver, even after an operator resets a group to the
// earliest offset, is recognised as processed.
const DefaultRetention = 8 * 24 * time.Hour

// timeLayout is processed_at's format (strftime('%Y-%m-%dT%H:%M:%fZ')), which
// sorts as text in time order.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Prune deletes the ids of events processed before olderThan and returns how
// many it deleted.
func Prune(ctx context.Context, db *sql.DB, olderThan time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM processed_events WHERE processed_at < ?`, olderThan.UTC().Format(timeLayout))
	if err != nil {
		return 0, fmt.Errorf("prune processed events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune processed events: %w", err)
	}
	return n, nil
}

// Pruner keeps processed_events bounded: every Interval it forgets the events
// processed more than Retention ago. Without it the table grows by one row
// per event for as long as the service runs.
type Pruner struct {
	DB        *sql.DB
	Retention time.Duration
	Interval  time.Duration
	Logger    *slog.Logger
	// Pruned counts the rows deleted by this process.
	Pruned atomic.Int64
}

// NewPruner returns a Pruner with DefaultRetention, pruning hourly.
func NewPruner(db *sql.DB, logger *slog.Logger) *Pruner {
	return &Pruner{DB: db, Retention: DefaultRetention, Interval: time.Hour, Logger: logger}
}

// Run prunes at once, then every Interval, until ctx ends. A failed prune is
// logged and tried again next time: it loses nothing.
func (p *Pruner) Run(ctx context.Context) error {
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	for {
		n, err := Prune(ctx, p.DB, time.Now().Add(-p.Retention))
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			p.Logger.WarnContext(ctx, "inbox prune failed", "err", err)
		case n > 0:
			p.Pruned.Add(n)
			p.Logger.InfoContext(ctx, "inbox pruned", "rows", n, "older_than", p.Retention.String())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
