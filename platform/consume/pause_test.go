package consume_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/faults"
)

// TestPause: a paused consumer holds its batch until resumed, and gives up
// only when ctx ends; unpaused (or without faults) the batch goes on at once.
func TestPause(t *testing.T) {
	tests := []struct {
		name      string
		noFaults  bool
		paused    bool
		resumeIn  time.Duration // 0: never resumed, ctx ends after 100 ms
		wantCalls int
		wantErr   error
		minWait   time.Duration
	}{
		{name: "no faults: handled at once", noFaults: true, wantCalls: 1},
		{name: "not paused: handled at once", wantCalls: 1},
		{name: "paused: held until resumed", paused: true, resumeIn: 80 * time.Millisecond, wantCalls: 1, minWait: 80 * time.Millisecond},
		{name: "paused until ctx ends: not handled", paused: true, wantCalls: 0, wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := faults.New()
			if err := in.Set(faults.Settings{ConsumersPaused: tt.paused}); err != nil {
				t.Fatal(err)
			}
			var p consume.Pauser = in
			if tt.noFaults {
				p = nil
			}
			if tt.resumeIn > 0 {
				time.AfterFunc(tt.resumeIn, func() { _ = in.Set(faults.Settings{}) })
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			if tt.resumeIn > 0 {
				ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
			}
			defer cancel()
			h := &handlerFunc{}
			start := time.Now()
			err := consume.Pause(p)(h.handle)(ctx, fetched(placedMessage(t, 1)))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(h.calls) != tt.wantCalls {
				t.Fatalf("%d handler calls, want %d", len(h.calls), tt.wantCalls)
			}
			if waited := time.Since(start); waited < tt.minWait {
				t.Fatalf("handled after %s, want the pause held for at least %s", waited, tt.minWait)
			}
		})
	}
}
