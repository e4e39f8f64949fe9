package faultctl

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/api"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// SetFlags are `flowctl fault set`'s flags.
type SetFlags struct {
	Latency   time.Duration
	ErrorRate float64
	Pause     bool
	Crash     int
	// DeclineRate is the share of charges the payment provider declines.
	DeclineRate float64
}

// Faults checks the flags for service (as typed: "order" or "order-svc")
// and returns the faults they set.
func (f SetFlags) Faults(service string) (api.Faults, error) {
	if f.ErrorRate < 0 || f.ErrorRate > 1 {
		return api.Faults{}, fmt.Errorf("--error-rate %g: use a share from 0 to 1", f.ErrorRate)
	}
	if f.Crash < 0 {
		return api.Faults{}, fmt.Errorf("--crash-after-commit %d: use 0 (off) or the number of the commit to crash after, e.g. 1", f.Crash)
	}
	// !(in range) also refuses NaN.
	if !(f.DeclineRate >= 0 && f.DeclineRate <= 1) {
		return api.Faults{}, fmt.Errorf("--decline-rate %g: use a share from 0 to 1", f.DeclineRate)
	}
	// Only order-svc commits orders and only invoicing-svc charges: elsewhere
	// the fault would be accepted and never fire.
	if f.Crash > 0 && !isService(service, topology.OrderSvc) {
		return api.Faults{}, fmt.Errorf("--crash-after-commit: only order-svc has a crash point; use `flowctl fault set order --crash-after-commit %d`", f.Crash)
	}
	if f.DeclineRate > 0 && !isService(service, topology.InvoicingSvc) {
		return api.Faults{}, fmt.Errorf("--decline-rate: only invoicing-svc charges customers; use `flowctl fault set invoicing --decline-rate %g`", f.DeclineRate)
	}
	return api.Faults{Latency: f.Latency.String(), ErrorRate: f.ErrorRate, ConsumersPaused: f.Pause, CrashAfterCommit: f.Crash, DeclineRate: f.DeclineRate}, nil
}

// isService reports whether typed ("order" or "order-svc") names svc.
func isService(typed, svc string) bool {
	return typed == svc || typed+"-svc" == svc
}

// The line each operation prints per service.

func SetLine(m stackmode.Mode, svc string, f api.Faults) string {
	return fmt.Sprintf("%s (%s): latency %s, error rate %g, consumers paused %v, crash after commit %d, decline rate %g", svc, m, f.Latency, f.ErrorRate, f.ConsumersPaused, f.CrashAfterCommit, f.DeclineRate)
}

func ClearLine(m stackmode.Mode, svc string, _ api.Faults) string {
	return fmt.Sprintf("%s (%s): no faults", svc, m)
}

func ShowLine(m stackmode.Mode, svc string, f api.Faults) string {
	return fmt.Sprintf("%-6s %-14s latency %-6s error rate %-4g consumers paused %-5v crash after commit %d  decline rate %g", m, svc, f.Latency, f.ErrorRate, f.ConsumersPaused, f.CrashAfterCommit, f.DeclineRate)
}

// Modes are the stacks a fault command acts on: mode ("" for every stack
// whose order-svc answers).
func Modes(ctx context.Context, mode string, urls func(stackmode.Mode) map[string]string) ([]stackmode.Mode, error) {
	if mode != "" {
		m, err := stack.ParseMode(mode)
		if err != nil {
			return nil, err
		}
		return []stackmode.Mode{m}, nil
	}
	var modes []stackmode.Mode
	for _, m := range stack.Modes {
		if stack.Answers(ctx, urls(m)[topology.OrderSvc]+"/healthz") {
			modes = append(modes, m)
		}
	}
	if len(modes) == 0 {
		return nil, errors.New("no stack answers: start one with `flowctl up --mode sync|events|events-orchestration`, or name one with --mode")
	}
	return modes, nil
}

// ForStacks reaches the services of the stacks s knows, with its token.
func ForStacks(s *stack.Stacks) (Controller, error) {
	tok, err := s.Token()
	if err != nil {
		return Controller{}, err
	}
	return Controller{Token: tok, URLs: s.URLs, Services: topology.Names(), Runtime: s.Runtime}, nil
}
