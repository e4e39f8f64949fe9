// Package faults lets a workshop break a running service on purpose: added
// latency, an error rate, and paused consumers, set at runtime through
// /admin/faults. Off by default; the endpoint exists only with ADMIN_TOKEN.
package faults

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Settings are the faults in force.
type Settings struct {
	// Latency is added to every API request and every consumed event.
	Latency Duration `json:"latency"`
	// ErrorRate is the share (0..1) of requests answered 503 and of event
	// handlings that fail (and are retried).
	ErrorRate float64 `json:"error_rate"`
	// ConsumersPaused stops fetching from Kafka; the backlog grows as lag.
	ConsumersPaused bool `json:"consumers_paused"`
}

// Validate reports a setting outside its range.
func (s Settings) Validate() error {
	switch {
	case s.Latency.D() < 0 || s.Latency.D() > time.Minute:
		return fmt.Errorf("latency %s is outside 0..1m", s.Latency.D())
	case s.ErrorRate < 0 || s.ErrorRate > 1:
		return fmt.Errorf("error_rate %g is outside 0..1", s.ErrorRate)
	}
	return nil
}

// Duration is a time.Duration written as "300ms" in JSON.
type Duration time.Duration

// D is the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return errors.New(`latency must be a string such as "300ms"`)
	}
	v, err := time.ParseDuration(s[1 : len(s)-1])
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	*d = Duration(v)
	return nil
}

// ErrInjected is the error an injected failure carries.
var ErrInjected = errors.New("injected fault")

// Injector holds the settings and applies them.
type Injector struct {
	mu      sync.Mutex
	s       Settings
	resumed chan struct{} // closed while consumers run
	rand    func() float64
}

// New returns an injector with no faults.
func New() *Injector {
	in := &Injector{resumed: make(chan struct{}), rand: rand.Float64}
	close(in.resumed)
	return in
}

// Settings returns the faults in force.
func (in *Injector) Settings() Settings {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.s
}

// Set replaces the faults in force.
func (in *Injector) Set(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	wasPaused := in.s.ConsumersPaused
	in.s = s
	switch {
	case s.ConsumersPaused && !wasPaused:
		in.resumed = make(chan struct{})
	case !s.ConsumersPaused && wasPaused:
		close(in.resumed)
	}
	return nil
}

// Apply waits the added latency and then fails with the error rate. It
// returns ctx's error if ctx ends first.
func (in *Injector) Apply(ctx context.Context) error {
	s := in.Settings()
	if d := s.Latency.D(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if s.ErrorRate > 0 && in.rand() < s.ErrorRate {
		return ErrInjected
	}
	return nil
}

// WaitResumed blocks while consumers are paused.
func (in *Injector) WaitResumed(ctx context.Context) error {
	in.mu.Lock()
	ch := in.resumed
	in.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
		return nil
	}
}
