package consume_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/kafkabus"
)

// TestCount: what the handler applied counts as processed; a failed
// handling counts nothing.
func TestCount(t *testing.T) {
	tests := []struct {
		name string
		msgs int
		err  error
		want int64
	}{
		{name: "an applied batch counts each message", msgs: 3, want: 3},
		{name: "an applied lone message", msgs: 1, want: 1},
		{name: "a failed batch counts nothing", msgs: 3, err: errors.New("database is locked"), want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stats := &consume.Stats{}
			h := &handlerFunc{fail: func(int, []*kafkabus.Delivery) error { return tt.err }}
			batch := fetched(placedMessage(t, 1), placedMessage(t, 2), placedMessage(t, 3))[:tt.msgs]
			if err := consume.Count(stats)(h.handle)(context.Background(), batch); !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want the handler's %v", err, tt.err)
			}
			if got := stats.Processed.Load(); got != tt.want {
				t.Fatalf("processed %d, want %d", got, tt.want)
			}
		})
	}
}
