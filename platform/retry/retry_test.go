package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDelayDoublesUpToMax(t *testing.T) {
	b := Backoff{First: 50 * time.Millisecond, Max: 300 * time.Millisecond}
	want := []time.Duration{50, 100, 200, 300, 300}
	for i, w := range want {
		if got := b.Delay(i + 1); got != w*time.Millisecond {
			t.Errorf("Delay(%d) = %s, want %s", i+1, got, w*time.Millisecond)
		}
	}
	if got := b.Delay(0); got != 50*time.Millisecond {
		t.Errorf("Delay(0) = %s, want the first delay", got)
	}
	if got := (Backoff{First: time.Second, Max: time.Hour}).Delay(1000); got != time.Hour {
		t.Errorf("Delay(1000) = %s, want the cap (no overflow)", got)
	}
}

func TestDo(t *testing.T) {
	fast := Backoff{First: time.Microsecond, Max: time.Microsecond}
	boom, final := errors.New("boom"), errors.New("final")
	calls := 0
	err := Do(context.Background(), fast, 0, nil, func() error {
		if calls++; calls < 3 {
			return boom
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("succeeds on the third call: %v after %d calls", err, calls)
	}
	calls = 0
	err = Do(context.Background(), fast, 5, nil, func() error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 5 {
		t.Errorf("gives up after 5 attempts: %v after %d calls", err, calls)
	}
	calls = 0
	err = Do(context.Background(), fast, 0, func(err error) bool { return err != final }, func() error { calls++; return final })
	if !errors.Is(err, final) || calls != 1 {
		t.Errorf("a final error is not retried: %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	err = Do(ctx, Backoff{First: time.Hour, Max: time.Hour}, 0, nil, func() error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("a cancelled context stops the waiting: %v after %d calls", err, calls)
	}
}

func TestWaitAndUntil(t *testing.T) {
	if err := Wait(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Wait = %v", err)
	}
	if err := Until(context.Background(), time.Now().Add(-time.Second)); err != nil {
		t.Errorf("Until a past time = %v, want nil at once", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a cancelled context = %v", err)
	}
	if err := Until(ctx, time.Now().Add(-time.Second)); !errors.Is(err, context.Canceled) {
		t.Errorf("Until on a cancelled context = %v", err)
	}
}
