package bench

import (
	"context"
	"errors"
	"testing"
)

func TestWaitIdle(t *testing.T) {
	boom := errors.New("broker gone")
	tests := []struct {
		name    string
		backlog []int64
		err     error
		calls   int
	}{
		{"no consumers (sync)", nil, nil, 0},
		{"already idle", []int64{0}, nil, 1},
		{"catches up", []int64{30, 10, 0}, nil, 3},
		{"lag unknown", []int64{5}, boom, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stack{Mode: "events"}
			calls := 0
			if tt.backlog != nil {
				s.Backlog = func(context.Context) (int64, error) {
					v := tt.backlog[min(calls, len(tt.backlog)-1)]
					calls++
					return v, tt.err
				}
			}
			err := s.waitIdle(context.Background())
			if !errors.Is(err, tt.err) || calls != tt.calls {
				t.Errorf("err %v after %d calls, want %v after %d", err, calls, tt.err, tt.calls)
			}
		})
	}
}
