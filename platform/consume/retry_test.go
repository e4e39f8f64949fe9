package consume_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/events"
	"github.com/orderflow/platform/kafkabus"
	"github.com/orderflow/platform/retry"
)

// TestRetry: a lone message that fails transiently is handled again, with a
// retry span and a count per failed attempt, until it succeeds; an invalid
// one is not retried, nor is a batch of several, and retrying stops when
// ctx ends.
func TestRetry(t *testing.T) {
	locked := errors.New("database is locked")
	invalid := fmt.Errorf("%w: no price for SKU-001", events.ErrInvalid)
	tests := []struct {
		name        string
		msgs        int
		failures    int   // the first failures calls fail with failWith
		failWith    error // -1 failures: always
		cancelAfter time.Duration
		wantErr     error
		wantCalls   int
		wantRetries int64
		wantSpans   string // attempt/next_try_in of each retry span
	}{
		{name: "succeeds at once", msgs: 1, wantCalls: 1},
		{name: "a transient failure is retried until it succeeds", msgs: 1, failures: 3, failWith: locked,
			wantCalls: 4, wantRetries: 3, wantSpans: "1/1ms 2/2ms 3/4ms"},
		{name: "an invalid event is not retried", msgs: 1, failures: -1, failWith: invalid,
			wantCalls: 1, wantErr: events.ErrInvalid},
		{name: "a batch of several is tried once", msgs: 2, failures: -1, failWith: locked,
			wantCalls: 1, wantErr: locked},
		{name: "retrying stops when ctx ends", msgs: 1, failures: -1, failWith: locked, cancelAfter: 30 * time.Millisecond,
			wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAfter > 0 {
				time.AfterFunc(tt.cancelAfter, cancel)
			}
			tracer, spans := recorder()
			stats := &consume.Stats{}
			h := &handlerFunc{fail: func(call int, _ []*kafkabus.Delivery) error {
				return errIf(tt.failures < 0 || call <= tt.failures, tt.failWith)
			}}
			backoff := retry.Backoff{First: time.Millisecond, Max: 4 * time.Millisecond}
			batch := fetched(placedMessage(t, 1), placedMessage(t, 2))[:tt.msgs]
			err := consume.Retry(backoff, tracer, quiet, stats)(h.handle)(ctx, batch)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.cancelAfter == 0 && len(h.calls) != tt.wantCalls {
				t.Fatalf("%d calls, want %d", len(h.calls), tt.wantCalls)
			}
			if tt.cancelAfter == 0 && stats.Retries.Load() != tt.wantRetries {
				t.Fatalf("retries %d, want %d", stats.Retries.Load(), tt.wantRetries)
			}
			var got []string
			for _, s := range spans.Ended() {
				a := attrs(s)
				if s.Name() != "retry "+events.TopicOrders || s.Status().Code != codes.Error || len(s.Events()) == 0 ||
					a["orderflow.event_type"] != events.TypeOrderPlaced || a["orderflow.order_id"] != orderID(1) {
					t.Fatalf("span %s status %v, %d events, attributes %v; want a retry span with the error, type and order", s.Name(), s.Status(), len(s.Events()), a)
				}
				got = append(got, a["orderflow.attempt"]+"/"+a["orderflow.next_try_in"])
			}
			if tt.cancelAfter == 0 && strings.Join(got, " ") != tt.wantSpans {
				t.Fatalf("retry spans %q, want %q", strings.Join(got, " "), tt.wantSpans)
			}
			if tt.cancelAfter > 0 && (len(h.calls) < 2 || int64(len(got)) != stats.Retries.Load()) {
				t.Fatalf("%d calls, %d retry spans, %d retries counted; want some retries before ctx ended, one span each", len(h.calls), len(got), stats.Retries.Load())
			}
		})
	}
}
