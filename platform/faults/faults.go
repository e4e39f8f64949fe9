// Package faults lets a workshop break a running service on purpose: added
// latency, an error rate, paused consumers and a crash right after a commit,
// set at runtime through /admin/faults. Off by default; the endpoint exists
// only with ADMIN_TOKEN.
package faults

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
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
	// CrashAfterCommit, when > 0, ends the process abruptly (no graceful
	// shutdown, as a kill or a power cut would) at the CrashAfterCommit-th
	// crash point reached from now: a service calls AfterCommit right after
	// it committed an order and before anyone else hears of it. It is the
	// dual-write lesson's fault (flowctl scenario dual-write).
	CrashAfterCommit int `json:"crash_after_commit"`
	// DeclineRate is the share (0..1) of charges the payment provider
	// declines (invoicing-svc asks Decline once per charge): the
	// payment-declined lesson's fault, for customers within their credit.
	DeclineRate float64 `json:"decline_rate"`
}

// MaxCrashAfterCommit bounds CrashAfterCommit: the fault is for a lesson, so
// a count that would never be reached in one is a typo.
const MaxCrashAfterCommit = 10000

// Validate reports a setting outside its range.
func (s Settings) Validate() error {
	switch {
	case s.Latency.D() < 0 || s.Latency.D() > time.Minute:
		return fmt.Errorf("latency %s is outside 0..1m", s.Latency.D())
	case s.ErrorRate < 0 || s.ErrorRate > 1:
		return fmt.Errorf("error_rate %g is outside 0..1", s.ErrorRate)
	case s.CrashAfterCommit < 0 || s.CrashAfterCommit > MaxCrashAfterCommit:
		return fmt.Errorf("crash_after_commit %d is outside 0..%d (0: off)", s.CrashAfterCommit, MaxCrashAfterCommit)
	case !(s.DeclineRate >= 0 && s.DeclineRate <= 1): // also refuses NaN
		return fmt.Errorf("decline_rate %g is outside 0..1", s.DeclineRate)
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

// CrashExitCode is the exit status of a process ended by crash_after_commit,
// so its log and its supervisor tell it from a failure of its own.
const CrashExitCode = 3

// Injector holds the settings and applies them.
type Injector struct {
	mu      sync.Mutex
	s       Settings
	resumed chan struct{} // closed while consumers run
	rand    func() float64
	// commits counts the crash points reached since the settings were set.
	commits int
	// Exit ends the process (os.Exit; tests record the call instead).
	Exit func(code int)
}

// New returns an injector with no faults.
func New() *Injector {
	in := &Injector{resumed: make(chan struct{}), rand: rand.Float64, Exit: os.Exit}
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
	in.commits = 0
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

// Decline draws once against decline_rate: true means the payment provider
// declines this charge. Each charge calls it once, so the share holds per charge.
func (in *Injector) Decline() bool {
	in.mu.Lock()
	rate := in.s.DeclineRate
	in.mu.Unlock()
	return rate > 0 && in.rand() < rate
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

// AfterCommit is the crash point of crash_after_commit: a service calls it
// right after a commit whose news (an event, a downstream call) has not left
// the process yet. When the fault is due it logs what it does and calls
// Exit without a graceful shutdown: no deferred function, no flush, no
// answer to the request in flight, nothing the process still meant to do.
func (in *Injector) AfterCommit(ctx context.Context, log *slog.Logger, what string) {
	in.mu.Lock()
	due := false
	if n := in.s.CrashAfterCommit; n > 0 {
		in.commits++
		due = in.commits >= n
	}
	in.mu.Unlock()
	if !due {
		return
	}
	log.ErrorContext(ctx, "crash_after_commit fault: exiting now, without a graceful shutdown", "after", what, "exit_code", CrashExitCode)
	in.Exit(CrashExitCode)
}
