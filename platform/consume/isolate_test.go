package consume_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/orderflow/platform/consume"
	"github.com/orderflow/platform/kafkabus"
)

// TestIsolate: a batch is one call while it goes well; when it fails, its
// messages not yet done go on one at a time, each marked done once handled.
func TestIsolate(t *testing.T) {
	boom := errors.New("database is locked")
	tests := []struct {
		name      string
		msgs      int
		fail      func(call int, batch []*kafkabus.Delivery) error
		cancel    bool
		wantCalls string
		wantErr   error
		wantDone  []bool
	}{
		{name: "a batch that goes well is one call", msgs: 3,
			wantCalls: "[[1 2 3]]", wantDone: []bool{false, false, false}},
		{name: "a failed batch goes on one by one", msgs: 3,
			fail:      func(call int, _ []*kafkabus.Delivery) error { return errIf(call == 1, boom) },
			wantCalls: "[[1 2 3] [1] [2] [3]]", wantDone: []bool{true, true, true}},
		{name: "what the batch call finished is not handed on again", msgs: 3,
			fail: func(call int, batch []*kafkabus.Delivery) error {
				if call == 1 {
					batch[1].Done() // as DeadLetter does with a poison message
					return boom
				}
				return nil
			},
			wantCalls: "[[1 2 3] [1] [3]]", wantDone: []bool{true, true, true}},
		{name: "a lone message is not handed twice", msgs: 1,
			fail:      func(int, []*kafkabus.Delivery) error { return boom },
			wantCalls: "[[1]]", wantErr: boom, wantDone: []bool{false}},
		{name: "a message that fails on its own stops the rest", msgs: 3,
			fail:      func(call int, _ []*kafkabus.Delivery) error { return errIf(call == 1 || call == 3, boom) },
			wantCalls: "[[1 2 3] [1] [2]]", wantErr: boom, wantDone: []bool{true, false, false}},
		{name: "after ctx ended nothing is handed on", msgs: 3, cancel: true,
			fail:      func(int, []*kafkabus.Delivery) error { return context.Canceled },
			wantCalls: "[[1 2 3]]", wantErr: context.Canceled, wantDone: []bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			h := &handlerFunc{fail: tt.fail}
			batch := fetched(placedMessage(t, 1), placedMessage(t, 2), placedMessage(t, 3))[:tt.msgs]
			err := consume.Isolate(h.handle)(ctx, batch)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := fmt.Sprint(h.calls); got != tt.wantCalls {
				t.Fatalf("calls %s, want %s", got, tt.wantCalls)
			}
			var done []bool
			for _, d := range batch {
				done = append(done, d.IsDone())
			}
			if !slices.Equal(done, tt.wantDone) {
				t.Fatalf("done %v, want %v", done, tt.wantDone)
			}
		})
	}
}

func errIf(cond bool, err error) error {
	if cond {
		return err
	}
	return nil
}
