package consume_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/faults"
)

// TestInjectFaults: injected latency delays every message of a handling,
// an injected error fails the handling before the handler runs.
func TestInjectFaults(t *testing.T) {
	tests := []struct {
		name      string
		noFaults  bool
		settings  faults.Settings
		msgs      int
		wantErr   error
		wantCalls int
		minWait   time.Duration
	}{
		{name: "no faults", noFaults: true, msgs: 2, wantCalls: 1},
		{name: "nothing injected", msgs: 2, wantCalls: 1},
		{name: "an injected error fails the handling", settings: faults.Settings{ErrorRate: 1}, msgs: 1, wantErr: faults.ErrInjected},
		{name: "latency per message", settings: faults.Settings{Latency: faults.Duration(30 * time.Millisecond)}, msgs: 2, wantCalls: 1, minWait: 60 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := faults.New()
			if err := in.Set(tt.settings); err != nil {
				t.Fatal(err)
			}
			var f consume.Faults = in
			if tt.noFaults {
				f = nil
			}
			var batch = fetched(placedMessage(t, 1), placedMessage(t, 2))[:tt.msgs]
			h := &handlerFunc{}
			start := time.Now()
			err := consume.InjectFaults(f)(h.handle)(context.Background(), batch)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(h.calls) != tt.wantCalls {
				t.Fatalf("%d handler calls, want %d", len(h.calls), tt.wantCalls)
			}
			if waited := time.Since(start); waited < tt.minWait {
				t.Fatalf("handled after %s, want at least %s of injected latency", waited, tt.minWait)
			}
		})
	}
}
