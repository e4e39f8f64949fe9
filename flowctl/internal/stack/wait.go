package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Answers reports whether GET url answers 200 right now.
func Answers(ctx context.Context, url string) bool {
	return Probe(ctx, url) == nil
}

// Probe is nil when GET url answers 200 within a short timeout.
func Probe(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	// A short timeout: a probe that hangs is as good as a "no".
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// ErrExited says the process being waited for is gone: waiting longer is pointless.
var ErrExited = errors.New("the process exited")

// WaitFor polls check every interval until it returns nil, alive (if given)
// returns false, or timeout passes. It returns the last check error on timeout.
func WaitFor(ctx context.Context, timeout, interval time.Duration, alive func() bool, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		if alive != nil && !alive() {
			return ErrExited
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("not ready after %s: %w", timeout, err)
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}
