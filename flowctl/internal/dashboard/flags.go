package dashboard

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/orderflow/platform/topology"

	"github.com/orderflow/flowctl/internal/scenario"
	"github.com/orderflow/flowctl/internal/stack"
	"github.com/orderflow/flowctl/internal/stackmode"
)

// Flags are `flowctl dashboard`'s flags.
type Flags struct {
	Addr, Mode     string
	Public, Detach bool
	// Size sizes the scenarios run from the page (orders, down-for).
	Size scenario.Size
}

// Check checks the flags and returns the stacks --mode names; none when
// --mode is not given (Shown then picks the stacks that run).
func (f Flags) Check() ([]stackmode.Mode, error) {
	if err := CheckAddr(f.Addr, f.Public); err != nil {
		return nil, err
	}
	var modes []stackmode.Mode
	if f.Mode != "" {
		var err error
		if modes, err = stack.ParseModes(f.Mode); err != nil {
			return nil, fmt.Errorf("--mode %s: %w", f.Mode, err)
		}
	}
	if f.Size.Orders < 1 || f.Size.Orders > 1000 {
		return nil, fmt.Errorf("--orders %d: use 1 to 1000", f.Size.Orders)
	}
	if f.Size.DownFor < 500*time.Millisecond || f.Size.DownFor > time.Minute {
		return nil, fmt.Errorf("--down-for %s: use 500ms to 1m", f.Size.DownFor)
	}
	return modes, nil
}

// DetachArgs are the arguments of the same dashboard in the background
// (after the binary): the flags again, and where the stacks are.
func (f Flags) DetachArgs(s *stack.Stacks, l stack.Layout, runtime string) []string {
	args := []string{"dashboard", "--addr", f.Addr}
	if f.Mode != "" { // none: the background dashboard picks the stacks that run (Shown)
		args = append(args, "--mode", f.Mode)
	}
	args = append(args, "--orders", strconv.Itoa(f.Size.Orders), "--down-for", f.Size.DownFor.String(),
		"--run-dir", l.RunDir, "--port-base", strconv.Itoa(s.PortBase), "--broker-port", strconv.Itoa(s.BrokerPort))
	if runtime != "" {
		args = append(args, "--runtime", runtime)
	}
	if f.Public {
		args = append(args, "--public")
	}
	return args
}

// Shown are the stacks to show: modes (--mode) when given, else every stack
// whose order-svc answers now (`make demo` runs three, `make demo-sync` one)
// or, when none does yet, all three: they may come up after the dashboard,
// and a column says "not running" until its stack does.
func Shown(ctx context.Context, modes []stackmode.Mode, answers func(ctx context.Context, url string) bool, urls func(stackmode.Mode) map[string]string) []stackmode.Mode {
	if len(modes) > 0 {
		return modes
	}
	for _, m := range stackmode.All {
		if answers(ctx, urls(m)[topology.OrderSvc]+"/healthz") {
			modes = append(modes, m)
		}
	}
	if len(modes) == 0 {
		return slices.Clone(stackmode.All)
	}
	return modes
}

// ForStacks is the dashboard of the stacks s knows: their URLs at the port
// base, its token, broker, topic prefix, Jaeger, its runtime (resolved when
// first needed: the stacks may come up after the dashboard) and the reports
// under the repository root and the run dir.
func ForStacks(s *stack.Stacks, modes []stackmode.Mode, f Flags) (*Server, error) {
	l, err := s.Layout()
	if err != nil {
		return nil, err
	}
	tok, err := s.Token()
	if err != nil {
		return nil, err
	}
	cfg := Config{
		Token:       tok,
		Brokers:     s.Brokers,
		TopicPrefix: s.TopicPrefix,
		Jaeger:      s.Jaeger,
		Control:     s.Runtime,
		Reports:     []string{filepath.Join(l.Root, "reports"), l.RunDir},
		Size:        f.Size,
		Public:      f.Public,
		Lock: func(ctx context.Context, modes []stackmode.Mode, what string) (func(), error) {
			lease, err := s.Lock(ctx, modes, what, stack.LockWait{})
			return lease.Release, err
		},
	}
	for _, m := range modes {
		cfg.Stacks = append(cfg.Stacks, Stack{Mode: m, URLs: s.URLs(m)})
	}
	return New(cfg)
}
