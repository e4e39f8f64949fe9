// Package retry is the one exponential backoff every retry loop uses: the
// consumer's handler retries, the outbox relay after a failed publish, topic
// creation at start-up, and flowctl's reads of Jaeger.
package retry

import (
	"context"
	"time"
)

// Backoff doubles from First up to Max: First, 2×First, 4×First, … Max.
type Backoff struct {
	First time.Duration
	Max   time.Duration
}

// Delay is the wait before retry number attempt (1 for the first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := b.First
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Sleep waits d or until ctx ends; false when ctx ended first.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Do calls fn until it succeeds, retryable says its error is final, attempts
// calls were made (0: no limit), or ctx ends; it returns fn's last error
// (or ctx's, when ctx ended before any call succeeded).
func Do(ctx context.Context, b Backoff, attempts int, retryable func(error) bool, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || (retryable != nil && !retryable(err)) || (attempts > 0 && attempt >= attempts) {
			return err
		}
		if !Sleep(ctx, b.Delay(attempt)) {
			return err
		}
	}
}

// Wait is Sleep for callers that pass the reason on: nil after d, ctx's
// error when it ended first (at once when it has ended already).
func Wait(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	if !Sleep(ctx, d) {
		return ctx.Err()
	}
	return nil
}

// Until is Wait until t.
func Until(ctx context.Context, t time.Time) error { return Wait(ctx, time.Until(t)) }
