// Package runner runs a service's long-lived parts (HTTP server, consumers,
// outbox relay) together: the first to fail stops the others.
package runner

import (
	"context"
	"sync"
)

// Func is one part; it returns when ctx is cancelled or it failed.
type Func func(ctx context.Context) error

// Run starts every part and waits for all; it returns the first error.
func Run(ctx context.Context, parts ...Func) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p(ctx); err != nil {
				once.Do(func() { first = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}
